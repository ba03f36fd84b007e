package dev.modernbert.encoder.weights;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.config.CheckpointException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the weight files of a checkpoint folder: {@code model.safetensors}, or the shards listed in
 * {@code model.safetensors.index.json}. Pickle files are refused: loading them would run arbitrary
 * code, and needs Python.
 */
public final class CheckpointFiles {
  static final String SINGLE = "model.safetensors";
  static final String INDEX = "model.safetensors.index.json";
  private static final String CONVERT_HINT =
      "convert it to safetensors once with Python: "
          + "AutoModel.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)";

  private CheckpointFiles() {}

  public static List<Path> weightFiles(Path dir) {
    if (isPickle(dir)) {
      throw new CheckpointException(
          dir + " is a PyTorch pickle file, which is never read (unsafe); " + CONVERT_HINT);
    }
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(
          "model folder "
              + dir
              + " does not exist or is not a folder; give a Hugging Face checkpoint folder with config.json and model.safetensors, or `demo`");
    }
    Path single = dir.resolve(SINGLE);
    if (Files.isRegularFile(single)) {
      return List.of(single);
    }
    Path index = dir.resolve(INDEX);
    if (Files.isRegularFile(index)) {
      return shards(dir, index);
    }
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> pickles = files.filter(CheckpointFiles::isPickle).toList();
      if (!pickles.isEmpty()) {
        throw new CheckpointException(
            dir
                + " holds only PyTorch pickle weights ("
                + pickles.get(0).getFileName()
                + "), which are never read (unsafe); "
                + CONVERT_HINT);
      }
    } catch (IOException e) {
      throw new CheckpointException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    throw new CheckpointException("no " + SINGLE + " or " + INDEX + " in " + dir);
  }

  private static List<Path> shards(Path dir, Path index) {
    try {
      JsonObject json =
          JsonParser.parseString(Files.readString(index, StandardCharsets.UTF_8)).getAsJsonObject();
      if (!json.has("weight_map")) {
        throw new CheckpointException(index + ": no \"weight_map\" entry");
      }
      Set<String> names = new LinkedHashSet<>();
      json.getAsJsonObject("weight_map")
          .entrySet()
          .forEach(e -> names.add(e.getValue().getAsString()));
      List<Path> files = new ArrayList<>();
      for (String name : names) {
        Path shard = dir.resolve(name).normalize();
        if (!shard.startsWith(dir.normalize()) || !Files.isRegularFile(shard)) {
          throw new CheckpointException(
              index + " lists shard " + name + ", which is not in " + dir);
        }
        files.add(shard);
      }
      return files;
    } catch (IOException | RuntimeException e) {
      if (e instanceof CheckpointException ce) {
        throw ce;
      }
      throw new CheckpointException(index + ": cannot read the shard index: " + e.getMessage(), e);
    }
  }

  private static boolean isPickle(Path p) {
    String name =
        p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(p)
        && (name.endsWith(".bin")
            || name.endsWith(".pt")
            || name.endsWith(".pth")
            || name.endsWith(".ckpt"));
  }
}
