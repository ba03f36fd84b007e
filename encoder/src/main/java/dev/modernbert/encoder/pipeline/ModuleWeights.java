package dev.modernbert.encoder.pipeline;

import dev.modernbert.encoder.config.CheckpointException;
import dev.modernbert.encoder.weights.SafetensorsFile;
import dev.modernbert.encoder.weights.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of one sentence-transformers module folder (e.g. {@code 2_Dense/}), as float32. This
 * is the one place a module's weight file is opened.
 */
final class ModuleWeights {
  /** One tensor: its shape and its values, row-major. */
  record Tensor(long[] shape, float[] values) {}

  private ModuleWeights() {}

  /** Every tensor of {@code moduleDir}'s weight file, by name. */
  static Map<String, Tensor> read(Path moduleDir, String moduleName) {
    Path file = moduleDir.resolve("model.safetensors");
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          "the "
              + moduleName
              + " module has no weights: "
              + file
              + " is missing (sentence-transformers saves them there; a module saved as"
              + " pytorch_model.bin must be converted to model.safetensors)");
    }
    Map<String, Tensor> out = new LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      for (TensorInfo info : f.tensors().values()) {
        out.put(info.name(), new Tensor(info.shape(), f.readFloats(info.name())));
      }
    }
    return out;
  }
}
