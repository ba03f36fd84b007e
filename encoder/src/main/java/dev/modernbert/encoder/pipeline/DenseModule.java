package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.config.CheckpointException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * sentence-transformers' {@code Dense}: {@code act(x W^T + b)} with PyTorch's {@code [out, in]}
 * weight, from {@code config.json} ({@code in_features}, {@code out_features}, {@code bias}, {@code
 * activation_function}) and {@code linear.weight} / {@code linear.bias} in the module's folder.
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

  DenseModule(int in, int out, float[] weight, float[] bias, DenseActivation activation) {
    this.in = in;
    this.out = out;
    this.weight = weight;
    this.bias = bias;
    this.activation = activation;
  }

  /** Reads a Dense module folder; {@code config} is its {@code config.json}. */
  static DenseModule read(Path dir, JsonObject config) {
    String where = dir.resolve("config.json").toString();
    int in = StJson.requireInt(config, "in_features", where);
    int out = StJson.requireInt(config, "out_features", where);
    boolean hasBias = StJson.bool(config, "bias", true);
    String act = StJson.string(config, "activation_function", "torch.nn.modules.activation.Tanh");
    DenseActivation activation;
    try {
      activation = DenseActivation.of(act);
    } catch (CheckpointException e) {
      throw new CheckpointException(where + ": " + e.getMessage(), e);
    }
    Map<String, ModuleWeights.Tensor> tensors = ModuleWeights.read(dir, "Dense");
    float[] weight = tensor(tensors, dir, "linear.weight", new long[] {out, in});
    float[] bias = hasBias ? tensor(tensors, dir, "linear.bias", new long[] {out}) : null;
    return new DenseModule(in, out, weight, bias, activation);
  }

  private static float[] tensor(
      Map<String, ModuleWeights.Tensor> tensors, Path dir, String name, long[] shape) {
    ModuleWeights.Tensor t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(
          dir.resolve("model.safetensors")
              + ": the Dense module needs tensor "
              + name
              + " "
              + Arrays.toString(shape)
              + "; the file holds "
              + tensors.keySet());
    }
    if (!Arrays.equals(t.shape(), shape)) {
      throw new CheckpointException(
          dir.resolve("model.safetensors")
              + ": tensor "
              + name
              + " has shape "
              + Arrays.toString(t.shape())
              + " but config.json implies "
              + Arrays.toString(shape));
    }
    return t.values();
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
    return activation.apply(Linear.linear(x, w, b).singletonOrThrow());
  }

  @Override
  public int outputDim(int inDim) {
    return out;
  }

  @Override
  public String describe() {
    return "Dense(" + in + " -> " + out + ", " + activation.torchName() + ")";
  }
}
