package dev.modernbert.encoder.colbert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.config.CheckpointException;
import dev.modernbert.encoder.weights.SafetensorsFile;
import dev.modernbert.encoder.weights.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * PyLate's {@code Dense} module, applied to every token row: {@code act(W x + b)}, plus {@code x}
 * (or {@code R x} when the widths differ) with {@code use_residual}. Weights stay as float32 Java
 * arrays (a ColBERT projection is small: 768 x 128 floats) and are uploaded per batch, so nothing
 * here has to be closed.
 */
public final class TokenDense {
  private final int in;
  private final int out;
  private final float[] weight; // [out, in]
  private final float[] bias; // [out] or null
  private final DenseActivation activation;
  private final boolean residual;
  private final float[] residualWeight; // [out, in] when residual and in != out, else null

  private TokenDense(
      int in,
      int out,
      float[] weight,
      float[] bias,
      DenseActivation activation,
      boolean residual,
      float[] residualWeight) {
    this.in = in;
    this.out = out;
    this.weight = weight;
    this.bias = bias;
    this.activation = activation;
    this.residual = residual;
    this.residualWeight = residualWeight;
  }

  /** Reads a Dense module folder: {@code config.json} and {@code model.safetensors}. */
  static TokenDense read(Path dir) {
    Path config = dir.resolve("config.json");
    if (!Files.isRegularFile(config)) {
      throw new CheckpointException("no config.json in the Dense module folder " + dir);
    }
    JsonObject json = Json.object(config);
    int in = positive(json, config, "in_features");
    int out = positive(json, config, "out_features");
    boolean hasBias = flag(json, "bias", true);
    boolean residual = flag(json, "use_residual", false);
    JsonElement act = json.get("activation_function");
    DenseActivation activation =
        DenseActivation.of(act == null || act.isJsonNull() ? null : act.getAsString(), config);
    Path weights = dir.resolve("model.safetensors");
    if (!Files.isRegularFile(weights)) {
      throw new CheckpointException(
          "no model.safetensors in the Dense module folder "
              + dir
              + (Files.isRegularFile(dir.resolve("pytorch_model.bin"))
                  ? " (pytorch_model.bin is not read: convert it to safetensors)"
                  : ""));
    }
    try (SafetensorsFile f = SafetensorsFile.open(weights)) {
      float[] w = tensor(f, "linear.weight", new long[] {out, in});
      float[] b = hasBias ? tensor(f, "linear.bias", new long[] {out}) : null;
      float[] r = residual && in != out ? tensor(f, "residual.weight", new long[] {out, in}) : null;
      return new TokenDense(in, out, w, b, activation, residual, r);
    }
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  /** {@code [rows, in]} to {@code [rows, out]}, in float32, on {@code rows}' device. */
  public NDArray apply(NDArray rows) {
    NDManager m = rows.getManager();
    NDArray x =
        rows.getDataType() == DataType.FLOAT32 ? rows : rows.toType(DataType.FLOAT32, false);
    NDArray w = m.create(weight, new Shape(out, in));
    NDArray b = bias == null ? null : m.create(bias, new Shape(out));
    NDArray y = activation.apply(ai.djl.nn.core.Linear.linear(x, w, b).singletonOrThrow());
    if (!residual) {
      return y;
    }
    NDArray skip =
        residualWeight == null
            ? x
            : ai.djl.nn.core.Linear.linear(x, m.create(residualWeight, new Shape(out, in)))
                .singletonOrThrow();
    return y.add(skip);
  }

  private static float[] tensor(SafetensorsFile f, String name, long[] shape) {
    if (!f.tensors().containsKey(name)) {
      throw new CheckpointException(
          f.path() + ": no tensor " + name + "; it holds " + f.tensors().keySet());
    }
    TensorInfo info = f.info(name);
    if (!Arrays.equals(info.shape(), shape)) {
      throw new CheckpointException(
          f.path()
              + ": "
              + name
              + " has shape "
              + info.shapeString()
              + ", but config.json implies "
              + Arrays.toString(shape));
    }
    return f.readFloats(name);
  }

  private static int positive(JsonObject json, Path config, String key) {
    JsonElement e = json.get(key);
    if (e == null
        || !e.isJsonPrimitive()
        || !e.getAsJsonPrimitive().isNumber()
        || e.getAsInt() < 1) {
      throw new CheckpointException(config + ": " + key + " must be a positive integer");
    }
    return e.getAsInt();
  }

  private static boolean flag(JsonObject json, String key, boolean fallback) {
    JsonElement e = json.get(key);
    return e == null || e.isJsonNull() ? fallback : e.getAsBoolean();
  }
}
