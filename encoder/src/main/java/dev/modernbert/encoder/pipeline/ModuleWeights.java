package dev.modernbert.encoder.pipeline;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.weights.CheckpointFiles;
import dev.modernbert.encoder.weights.TensorFile;
import dev.modernbert.encoder.weights.TensorInfo;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of one module folder (e.g. {@code 2_Dense/}), as float32, read through {@link
 * CheckpointFiles#open} ({@code model.safetensors}, else {@code pytorch_model.bin}, read as data,
 * never unpickled as code). This is the one place a module's weight file is opened.
 *
 * @param file the file the tensors came from, for messages
 */
record ModuleWeights(Path file, Map<String, Tensor> tensors) {
  /** One tensor: its shape and its values, row-major. */
  record Tensor(long[] shape, float[] values) {}

  /** Every tensor of {@code moduleDir}'s weight file, by name. */
  static ModuleWeights read(Path moduleDir, String moduleName) {
    TensorFile f;
    try {
      f = CheckpointFiles.open(moduleDir);
    } catch (CheckpointException e) {
      throw new CheckpointException(
          "the " + moduleName + " module has no weights it can read: " + e.getMessage(), e);
    }
    try (f) {
      Map<String, Tensor> out = new LinkedHashMap<>();
      for (TensorInfo info : f.tensors().values()) {
        out.put(info.name(), new Tensor(info.shape(), f.readFloats(info.name())));
      }
      return new ModuleWeights(f.path(), out);
    }
  }

  /** The values of tensor {@code name}, which must have {@code shape} (as the config implies). */
  float[] require(String name, long[] shape, String module) {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(
          file
              + ": the "
              + module
              + " module needs tensor "
              + name
              + " "
              + Arrays.toString(shape)
              + "; the file holds "
              + tensors.keySet());
    }
    if (!Arrays.equals(t.shape(), shape)) {
      throw new CheckpointException(
          file
              + ": tensor "
              + name
              + " has shape "
              + Arrays.toString(t.shape())
              + " but config.json implies "
              + Arrays.toString(shape));
    }
    return t.values();
  }
}
