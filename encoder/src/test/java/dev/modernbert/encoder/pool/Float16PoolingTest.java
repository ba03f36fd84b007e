package dev.modernbert.encoder.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.encoder.demo.RandomCheckpoint;
import dev.modernbert.encoder.longtext.SpanSums;
import dev.modernbert.encoder.pipeline.PoolingModule;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TaskBatch;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.SafetensorsWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pooling, normalisation and late chunking's span sums on a float16 model (the GPU path's dtype,
 * run on the CPU) over sequences of 1,000+ tokens, against the same checkpoint in float32.
 *
 * <p>The checkpoint is the demo model's shape (4 layers, hidden 64) with max_position_embeddings
 * 2048 and random weights, whose final norm adds a bias of ±40 on 8 of the 64 dimensions, as the
 * few "massive activation" dimensions of real checkpoints do: over 2,000 tokens those dimensions
 * sum to about ±80,000, past float16's 65,504. Weightedmean's divisor Σ(t+1) passes 65,504 at 362
 * tokens whatever the values. Before pooling, normalisation and span sums accumulated in float32,
 * mean, mean_sqrt_len and weightedmean gave inf or NaN there, normalised embeddings NaN, a span sum
 * inf, and a tiny float16 row normalised to inf.
 */
class Float16PoolingTest {
  /** Offset of the "massive" dimensions, and how many there are. */
  static final float OFFSET = 40f;

  static final int MASSIVE_DIMS = 8;

  /**
   * float16 against float32, per value: {@code |v16 - v32| <= ABS + REL * |v32|}. float16 keeps 11
   * significant bits (relative rounding 4.9e-4); through 4 layers over 2,000 tokens, and the
   * rounding of the hidden states before pooling, the measured error is well below this.
   */
  static final double ABS = 0.05;

  static final double REL = 0.01;

  static final int[] LENGTHS = {2000, 1100, 40};

  @TempDir static Path dir;

  static ModernBertEncoder fp32;
  static ModernBertEncoder fp16;
  static List<int[]> sequences;

  @BeforeAll
  static void load() throws IOException {
    JsonObject config = JsonFiles.object(DemoModel.ensure().resolve("config.json"));
    config.addProperty("max_position_embeddings", 2048);
    config.addProperty("norm_bias", true);
    Files.writeString(
        dir.resolve("config.json"),
        new GsonBuilder().setPrettyPrinting().create().toJson(config),
        StandardCharsets.UTF_8);
    ModernBertConfig parsed = ModernBertConfig.parse(config, "config");
    SafetensorsWriter weights = RandomCheckpoint.weights(parsed, HeadKind.MASKED_LM, 2, 20261207L);
    float[] bias = new float[parsed.hiddenSize()];
    for (int d = 0; d < MASSIVE_DIMS; d++) {
      bias[d] = d % 2 == 0 ? OFFSET : -OFFSET;
    }
    weights.add("model.final_norm.bias", new long[] {bias.length}, bias);
    weights.write(dir.resolve("model.safetensors"), "F32");

    Random random = new Random(7);
    sequences = new ArrayList<>();
    for (int length : LENGTHS) {
      int[] ids = new int[length];
      for (int t = 0; t < length; t++) {
        ids[t] = 5 + random.nextInt(parsed.vocabSize() - 5);
      }
      sequences.add(ids);
    }
    fp32 = ModernBertEncoder.load(dir, EncoderOptions.defaults());
    fp16 = ModernBertEncoder.load(dir, EncoderOptions.defaults().withDtype(DtypeSpec.FLOAT16));
  }

  @AfterAll
  static void close() {
    fp32.close();
    fp16.close();
  }

  /** The pooled vectors of {@code modes} concatenated, as a sentence-transformers Pooling. */
  record Pooled(List<Pooling> modes) implements EncoderTask<Void, float[]> {
    @Override
    public String name() {
      return "embed";
    }

    @Override
    public List<float[]> read(TaskBatch<Void> batch) {
      NDArray pooled = batch.pooled(new PoolingModule(modes, true, 0), new int[batch.size()]);
      // the heads and Dense modules after pooling take the model's dtype, as before
      assertEquals(batch.hidden().getDataType(), pooled.getDataType(), modes + " dtype");
      return TaskBatch.rows(pooled);
    }
  }

  @Test
  void everyModeAndConcatenationMatchesFloat32() {
    List<List<Pooling>> cases = new ArrayList<>();
    for (Pooling p : Pooling.values()) {
      if (p != Pooling.AUTO) {
        cases.add(List.of(p));
      }
    }
    cases.add(List.of(Pooling.CLS, Pooling.MEAN, Pooling.MAX, Pooling.WEIGHTEDMEAN));
    cases.add(List.of(Pooling.MEAN_SQRT_LEN, Pooling.LASTTOKEN));
    List<String> failures = new ArrayList<>(); // every case is checked, then all are reported
    for (List<Pooling> modes : cases) {
      List<float[]> expected = fp32.run(new Pooled(modes), sequences, null).values();
      List<float[]> actual = fp16.run(new Pooled(modes), sequences, null).values();
      for (int i = 0; i < sequences.size(); i++) {
        String what = modes + " over " + LENGTHS[i] + " tokens";
        String problem = problem(expected.get(i), actual.get(i), ABS, REL, what);
        if (problem != null) {
          failures.add(problem);
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }

  @Test
  void theMassiveDimensionsReallyPassFloat16sRange() {
    // Guards the fixture: without sums past 65504 the test above would prove little for MEAN.
    float[] mean = fp32.embed(sequences.subList(0, 1), Pooling.MEAN, false).get(0);
    for (int d = 0; d < MASSIVE_DIMS; d++) {
      assertTrue(
          Math.abs(mean[d]) * LENGTHS[0] > 65504,
          "dimension " + d + " sums to " + mean[d] * LENGTHS[0]);
    }
  }

  @Test
  void normalizedEmbeddingsAreUnitVectorsNearFloat32() {
    for (Pooling p : List.of(Pooling.MEAN, Pooling.WEIGHTEDMEAN)) {
      List<float[]> expected = fp32.embed(sequences, p, true);
      List<float[]> actual = fp16.embed(sequences, p, true);
      for (int i = 0; i < sequences.size(); i++) {
        double norm = 0;
        for (float v : actual.get(i)) {
          norm += (double) v * v;
        }
        assertEquals(1.0, Math.sqrt(norm), 2e-3, p + " norm over " + LENGTHS[i] + " tokens");
        // unit vectors: values at most 1, so the absolute part of the tolerance is 5e-3
        assertNear(expected.get(i), actual.get(i), 0.005, 0, p + " normalized, " + LENGTHS[i]);
      }
    }
  }

  @Test
  void spanSumsOverThousandsOfTokensMatchFloat32() {
    // Two spans of the 2,000-token sequence, each 1,000 tokens: sums of about ±40,000; and one
    // span over all of it: about ±80,000.
    int n = LENGTHS[0];
    int[] halves = new int[n];
    Arrays.fill(halves, n / 2, n, 1);
    for (int[] spans : List.of(halves, new int[n])) {
      List<SpanSums.Rows> args = List.of(new SpanSums.Rows(0, spans));
      List<int[]> one = sequences.subList(0, 1);
      SpanSums.Sums expected = fp32.run(new SpanSums(), one, args).values().get(0);
      SpanSums.Sums actual = fp16.run(new SpanSums(), one, args).values().get(0);
      assertEquals(expected.counts().length, actual.counts().length);
      for (int s = 0; s < expected.counts().length; s++) {
        assertEquals(expected.counts()[s], actual.counts()[s]);
        float[] e = new float[expected.sums()[s].length];
        float[] a = new float[e.length];
        for (int d = 0; d < e.length; d++) {
          // compared as span means, the vectors late chunking returns
          e[d] = (float) (expected.sums()[s][d] / expected.counts()[s]);
          a[d] = (float) (actual.sums()[s][d] / actual.counts()[s]);
        }
        assertNear(e, a, "span " + s + " of " + expected.counts().length);
      }
    }
  }

  @Test
  void normalizingTinyAndZeroFloat16RowsGivesNoNaNOrInf() {
    // Squares of 1e-4 (1e-8) are below float16's smallest subnormal, and 1e-12 is 0 in float16.
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      float[] values = new float[16];
      Arrays.fill(values, 0, 8, 1e-4f);
      values[8] = 3e-5f; // row 1: one tiny value, the rest zero
      float[] zeros = new float[8];
      NDArray x = m.create(concat(values, zeros), new Shape(3, 8)).toType(DataType.FLOAT16, false);
      NDArray y = Pooler.l2Normalize(x);
      assertEquals(DataType.FLOAT16, y.getDataType(), "the input's dtype is kept");
      float[] out = TaskBatch.floats(y);
      for (int k = 0; k < 8; k++) {
        assertEquals(1 / Math.sqrt(8), out[k], 1e-3, "row 0 value " + k);
        assertEquals(k == 0 ? 1 : 0, out[8 + k], 1e-3, "row 1 value " + k);
        assertEquals(0, out[16 + k], 0, "the zero row stays zero, value " + k);
      }
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static void assertNear(float[] expected, float[] actual, String what) {
    assertNear(expected, actual, ABS, REL, what);
  }

  private static void assertNear(
      float[] expected, float[] actual, double abs, double rel, String what) {
    String problem = problem(expected, actual, abs, rel, what);
    assertTrue(problem == null, problem);
  }

  /**
   * Null when every value is within {@code abs + rel * |float32|}, else the worst value in words.
   * Prints the largest absolute difference either way (the measured error).
   */
  private static String problem(
      float[] expected, float[] actual, double abs, double rel, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    double worst = Double.NEGATIVE_INFINITY;
    int at = 0;
    for (int d = 0; d < expected.length; d++) {
      double err = Math.abs((double) actual[d] - expected[d]);
      double excess = Float.isFinite(actual[d]) ? err - (abs + rel * Math.abs(expected[d])) : 1e30;
      if (excess > worst) {
        worst = excess;
        at = d;
      }
    }
    System.out.printf("%s: max |fp16-fp32| %.3g%n", what, maxAbs(expected, actual));
    return worst <= 0
        ? null
        : what
            + ": value "
            + at
            + " is "
            + actual[at]
            + " in float16, "
            + expected[at]
            + " in float32 (tolerance "
            + abs
            + " + "
            + rel
            + " x |float32|)";
  }

  /** The largest absolute difference (inf when a float16 value is not finite). */
  private static double maxAbs(float[] expected, float[] actual) {
    double m = 0;
    for (int d = 0; d < expected.length; d++) {
      if (!Float.isFinite(actual[d])) {
        return Double.POSITIVE_INFINITY;
      }
      m = Math.max(m, Math.abs((double) actual[d] - expected[d]));
    }
    return m;
  }
}
