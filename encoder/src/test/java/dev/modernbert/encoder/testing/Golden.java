package dev.modernbert.encoder.testing;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.weights.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
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

  /**
   * The test resource {@code path} as a file. In another module's tests the goldens come from this
   * module's test-jar: the jar's {@code golden/} tree is then copied once per JVM to a temporary
   * folder, since the encoder maps and reads model files from the default file system.
   */
  public static Path resource(String path) {
    URL url = Golden.class.getClassLoader().getResource(path);
    if (url == null) {
      throw new IllegalStateException("test resource " + path + " is missing");
    }
    try {
      return "jar".equals(url.getProtocol())
          ? extractedGoldens(url).resolve(path)
          : Path.of(url.toURI());
    } catch (URISyntaxException | IOException e) {
      throw new IllegalStateException("test resource " + path + " cannot be read: " + e, e);
    }
  }

  private static Path extracted;

  private static synchronized Path extractedGoldens(URL inJar)
      throws IOException, URISyntaxException {
    if (extracted == null) {
      String s = inJar.toString();
      URI jar = new URI(s.substring(0, s.indexOf("!/")));
      Path to = Files.createTempDirectory("goldens");
      try (FileSystem zip = FileSystems.newFileSystem(jar, Map.of());
          Stream<Path> files = Files.walk(zip.getPath("/golden"))) {
        for (Path p : files.toList()) {
          Path target = to.resolve(p.toString().substring(1));
          if (Files.isDirectory(p)) {
            Files.createDirectories(target);
          } else {
            Files.copy(p, target);
          }
        }
      }
      extracted = to;
    }
    return extracted;
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

  /**
   * A golden file's checks of a masked-LM encoder: each sequence alone against {@code
   * single.seq{i}.*}, all in one call against {@code batched.seq{i}.*} (hidden states and the
   * logits at {@code positions}).
   */
  public static void assertMatchesHf(
      ModernBertEncoder enc,
      List<int[]> seqs,
      List<int[]> positions,
      Function<String, float[]> expected,
      double hiddenAtol,
      double logitAtol,
      String what) {
    for (int i = 0; i < seqs.size(); i++) {
      List<int[]> one = List.of(seqs.get(i));
      assertClose(
          expected.apply("single.seq" + i + ".last_hidden_state"),
          flatten(enc.lastHiddenState(one).get(0)),
          hiddenAtol,
          what + " seq" + i + " hidden");
      assertClose(
          expected.apply("single.seq" + i + ".logits"),
          flatten(enc.maskedLmLogits(one, List.of(positions.get(i))).get(0)),
          logitAtol,
          what + " seq" + i + " logits");
    }
    List<float[][]> hidden = enc.lastHiddenState(seqs);
    List<float[][]> logits = enc.maskedLmLogits(seqs, positions);
    for (int i = 0; i < seqs.size(); i++) {
      assertClose(
          expected.apply("batched.seq" + i + ".last_hidden_state"),
          flatten(hidden.get(i)),
          hiddenAtol,
          what + " batched seq" + i + " hidden");
      assertClose(
          expected.apply("batched.seq" + i + ".logits"),
          flatten(logits.get(i)),
          logitAtol,
          what + " batched seq" + i + " logits");
    }
  }
}
