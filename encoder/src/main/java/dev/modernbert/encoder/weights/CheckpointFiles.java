package dev.modernbert.encoder.weights;

import com.google.gson.JsonObject;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.checkpoint.JsonFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Finds and opens the weights of a checkpoint folder (a model, or a sentence-transformers module
 * such as {@code 2_Dense/}), the way transformers looks for them: {@code model.safetensors}, else
 * the shards of {@code model.safetensors.index.json}, else {@code pytorch_model.bin}, else the
 * shards of {@code pytorch_model.bin.index.json}. Safetensors wins when both formats are present.
 */
public final class CheckpointFiles {
  static final String SAFETENSORS = "model.safetensors";
  static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
  static final String PYTORCH = "pytorch_model.bin";
  static final String PYTORCH_INDEX = "pytorch_model.bin.index.json";

  private CheckpointFiles() {}

  /** The folder's weights as one {@link TensorFile}, shards merged; close it when done. */
  public static TensorFile open(Path dir) {
    Path found = find(dir);
    return isIndex(found)
        ? ShardedTensorFile.open(found, weightMap(dir, found))
        : TensorFile.open(found);
  }

  /** The weight files {@link #open} reads: one file, or the shards its index lists. */
  public static List<Path> weightFiles(Path dir) {
    Path found = find(dir);
    return isIndex(found)
        ? List.copyOf(new LinkedHashSet<>(weightMap(dir, found).values()))
        : List.of(found);
  }

  private static boolean isIndex(Path file) {
    return file.getFileName().toString().endsWith(".index.json");
  }

  /** The first weight file or index, in order of preference, that is in {@code dir}. */
  private static Path find(Path dir) {
    List<String> names = List.of(SAFETENSORS, SAFETENSORS_INDEX, PYTORCH, PYTORCH_INDEX);
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(
          "model folder "
              + dir
              + (Files.isRegularFile(dir)
                  ? " is a file; give the folder that holds it and config.json"
                  : " does not exist or is not a folder")
              + "; give a Hugging Face checkpoint folder with config.json and model.safetensors"
              + " (or pytorch_model.bin), or `demo`");
    }
    for (String name : names) {
      Path p = dir.resolve(name);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new CheckpointException("no " + String.join(", ", names) + " in " + dir);
  }

  /**
   * An index's {@code weight_map}: tensor name -> shard file, each checked to be in {@code dir}.
   */
  private static Map<String, Path> weightMap(Path dir, Path index) {
    try {
      JsonObject json = JsonFiles.object(index);
      if (!json.has("weight_map")) {
        throw new CheckpointException(index + ": no \"weight_map\" entry");
      }
      Map<String, Path> map = new LinkedHashMap<>();
      for (var e : json.getAsJsonObject("weight_map").entrySet()) {
        String name = e.getValue().getAsString();
        Path shard = dir.resolve(name).normalize();
        if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
          throw new CheckpointException(
              index + " lists shard " + name + ", which is not in " + dir);
        }
        map.put(e.getKey(), shard);
      }
      return map;
    } catch (CheckpointException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new CheckpointException(index + ": cannot read the shard index: " + e.getMessage(), e);
    }
  }
}
