package dev.modernbert.encoder.pipeline;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PyLate's {@code use_residual} Dense, against the formula computed here in double precision. */
class DenseModuleTest {
  @TempDir Path tmp;

  private static float[] random(Random r, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return v;
  }

  /**
   * A Dense folder {@code in -> out}, with a bias, residual, and {@code residual.weight} if given.
   */
  private Path folder(String name, int in, int out, float[] w, float[] b, float[] r, String act)
      throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"in_features\": "
            + in
            + ", \"out_features\": "
            + out
            + ", \"bias\": true, \"use_residual\": true"
            + (act == null ? "" : ", \"activation_function\": \"" + act + "\"")
            + "}");
    SafetensorsWriter st =
        new SafetensorsWriter()
            .add("linear.weight", new long[] {out, in}, w)
            .add("linear.bias", new long[] {out}, b);
    if (r != null) {
      st.add("residual.weight", new long[] {out, in}, r);
    }
    st.write(dir.resolve("model.safetensors"), "F32");
    return dir;
  }

  /** {@code act(W x + b) + (R x or x)} per row, in double. */
  private static float[] expected(
      float[] x, int rows, int in, int out, float[] w, float[] b, float[] r, boolean tanh) {
    float[] y = new float[rows * out];
    for (int n = 0; n < rows; n++) {
      for (int o = 0; o < out; o++) {
        double s = b[o];
        double skip = r == null ? x[n * in + o] : 0;
        for (int i = 0; i < in; i++) {
          s += (double) w[o * in + i] * x[n * in + i];
          skip += r == null ? 0 : (double) r[o * in + i] * x[n * in + i];
        }
        y[n * out + o] = (float) ((tanh ? Math.tanh(s) : s) + skip);
      }
    }
    return y;
  }

  @Test
  void residualAddsTheInputOrItsProjection() throws IOException {
    Random rnd = new Random(7);
    int rows = 3;
    int in = 6;
    float[] x = random(rnd, rows * in);
    float[] wSame = random(rnd, in * in);
    float[] bSame = random(rnd, in);
    float[] wNarrow = random(rnd, 4 * in);
    float[] bNarrow = random(rnd, 4);
    float[] rNarrow = random(rnd, 4 * in);
    DenseModule same =
        DenseModule.read(
            folder("same", in, in, wSame, bSame, null, null), DenseActivation.IDENTITY);
    DenseModule narrow =
        DenseModule.read(
            folder("narrow", in, 4, wNarrow, bNarrow, rNarrow, "torch.nn.modules.activation.Tanh"),
            DenseActivation.IDENTITY);
    assertEquals("Dense(6 -> 4, Tanh, residual)", narrow.describe());
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      float[] gotSame = same.apply(m.create(x, new Shape(rows, in))).toFloatArray();
      assertClose(expected(x, rows, in, in, wSame, bSame, null, false), gotSame, 1e-5, "+ x");
      float[] gotNarrow = narrow.apply(m.create(x, new Shape(rows, in))).toFloatArray();
      assertClose(
          expected(x, rows, in, 4, wNarrow, bNarrow, rNarrow, true), gotNarrow, 1e-5, "+ R x");
    }
  }

  @Test
  void aMissingResidualWeightIsNamed() throws IOException {
    Random rnd = new Random(8);
    Path dir = folder("noR", 6, 4, random(rnd, 24), random(rnd, 4), null, null);
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> DenseModule.read(dir, DenseActivation.IDENTITY));
    assertTrue(e.getMessage().contains("needs tensor residual.weight [4, 6]"), e.getMessage());
  }
}
