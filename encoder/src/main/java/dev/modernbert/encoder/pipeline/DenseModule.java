package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@code Dense} module: {@code act(x W^T + b)} with PyTorch's {@code [out, in]} weight, from
 * {@code config.json} ({@code in_features}, {@code out_features}, {@code bias}, {@code
 * activation_function}) and {@code linear.weight} / {@code linear.bias} in the module's folder.
 * sentence-transformers applies it to the pooled vector; PyLate (ColBERT) to every token row, and
 * with its {@code use_residual} adds {@code x} back ({@code residual.weight x} when {@code in !=
 * out}).
 *
 * <p>The weights stay in Java and are copied into the batch's manager, in the batch's dtype, each
 * time the module runs: Dense layers are small next to the encoder, and this keeps the module free
 * of any device or lifetime of its own.
 */
public final class DenseModule implements VectorModule {
  private final int in;
  private final int out;
  private final float[] weight;
  private final float[] bias; // null: no bias
  private final DenseActivation activation;
  private final boolean residual;
  private final float[] residualWeight; // [out, in] when residual and in != out, else null

  private DenseModule(
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

  /**
   * Reads a Dense module folder: its {@code config.json} and its weights ({@link ModuleWeights}).
   *
   * @param absentActivation the activation when the config names none: sentence-transformers'
   *     default is Tanh, PyLate's Identity
   */
  public static DenseModule read(Path dir, DenseActivation absentActivation) {
    Path where = dir.resolve("config.json");
    if (!Files.isRegularFile(where)) {
      throw new CheckpointException("no config.json in the Dense module folder " + dir);
    }
    JsonObject config = JsonFiles.object(where);
    int in = JsonFiles.requireInt(config, "in_features", where);
    int out = JsonFiles.requireInt(config, "out_features", where);
    if (in < 1 || out < 1) {
      throw new CheckpointException(where + ": in_features and out_features must be positive");
    }
    boolean hasBias = JsonFiles.bool(config, "bias", true, where);
    boolean residual = JsonFiles.bool(config, "use_residual", false, where);
    String act = JsonFiles.string(config, "activation_function", null, where);
    DenseActivation activation;
    try {
      activation = act == null ? absentActivation : DenseActivation.of(act);
    } catch (CheckpointException e) {
      throw new CheckpointException(where + ": " + e.getMessage(), e);
    }
    ModuleWeights w = ModuleWeights.read(dir, "Dense");
    return new DenseModule(
        in,
        out,
        w.require("linear.weight", new long[] {out, in}, "Dense"),
        hasBias ? w.require("linear.bias", new long[] {out}, "Dense") : null,
        activation,
        residual,
        residual && in != out ? w.require("residual.weight", new long[] {out, in}, "Dense") : null);
  }

  public int inFeatures() {
    return in;
  }

  public int outFeatures() {
    return out;
  }

  public DenseActivation activation() {
    return activation;
  }

  /** {@code x}: {@code [rows, in_features]}; returns {@code [rows, out_features]}. */
  @Override
  public NDArray apply(NDArray x) {
    if (x.getShape().dimension() != 2 || x.getShape().get(1) != in) {
      throw new IllegalArgumentException(
          describe() + " takes [rows, " + in + "] vectors, got " + x.getShape());
    }
    NDManager m = x.getManager();
    NDArray w = m.create(weight, new Shape(out, in)).toType(x.getDataType(), false);
    NDArray b = bias == null ? null : m.create(bias, new Shape(out)).toType(x.getDataType(), false);
    NDArray y = activation.apply(Linear.linear(x, w, b).singletonOrThrow());
    if (!residual) {
      return y;
    }
    NDArray skip =
        residualWeight == null
            ? x
            : Linear.linear(
                    x, m.create(residualWeight, new Shape(out, in)).toType(x.getDataType(), false))
                .singletonOrThrow();
    return y.add(skip);
  }

  @Override
  public int outputDim(int inDim) {
    return out;
  }

  @Override
  public String describe() {
    return "Dense("
        + in
        + " -> "
        + out
        + ", "
        + activation.torchName()
        + (residual ? ", residual" : "")
        + ")";
  }
}
