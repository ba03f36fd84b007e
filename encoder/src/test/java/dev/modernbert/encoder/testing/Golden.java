package dev.modernbert.encoder.testing;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.weights.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * A golden fixture folder (copied from {@code shared/golden}): the checkpoint HF wrote, its six
 * input sequences and HF's outputs for them.
 */
public final class Golden implements AutoCloseable {
  public static final String MAIN = "tiny-modernbert";
  public static final String VARIANT = "tiny-modernbert-variant";
  public static final String SEQCLS = "tiny-modernbert-seqcls";
  public static final String TOKCLS = "tiny-modernbert-tokcls";

  public final Path dir;
  public final JsonObject inputs;
  public final SafetensorsFile outputs;

  private Golden(Path dir) {
    this.dir = dir;
    try {
      this.inputs =
          JsonParser.parseString(
                  Files.readString(dir.resolve("inputs.json"), StandardCharsets.UTF_8))
              .getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.outputs = SafetensorsFile.open(dir.resolve("golden.safetensors"));
  }

  public static Golden open(String name) {
    return new Golden(resource("golden/" + name));
  }

  public static Path resource(String path) {
    try {
      return Path.of(Golden.class.getClassLoader().getResource(path).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("test resource " + path + " is missing", e);
    }
  }

  /**
   * Copies the fixture folder {@code from} to {@code to}, only the files {@code keep} accepts, so a
   * test may change the copy; returns {@code to}.
   */
  public static Path copy(Path from, Path to, Predicate<Path> keep) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path p : files.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (keep.test(p)) {
          Files.copy(p, target);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return to;
  }

  public List<int[]> sequences() {
    return intLists(inputs.getAsJsonArray("input_ids"));
  }

  public List<int[]> logitPositions() {
    return intLists(inputs.getAsJsonArray("logit_positions"));
  }

  public int specialId(String name) {
    return inputs.getAsJsonObject("special_ids").get(name).getAsInt();
  }

  public float[] floats(String name) {
    return outputs.readFloats(name);
  }

  private static List<int[]> intLists(JsonArray arrays) {
    List<int[]> out = new ArrayList<>();
    for (var a : arrays) {
      JsonArray arr = a.getAsJsonArray();
      int[] ids = new int[arr.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = arr.get(i).getAsInt();
      }
      out.add(ids);
    }
    return out;
  }

  @Override
  public void close() {
    outputs.close();
  }
}
