package dev.modernbert.encoder.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crafted config.json files (adversarial report, defects 8, 10 and 13): each fails quickly with one
 * line naming the file and the field, as a {@link CheckpointException}.
 */
class HostileConfigTest {
  private static final Path TINY = Golden.resource("golden/tiny-modernbert");

  @TempDir Path tmp;

  /** tiny-modernbert with its config.json passed through {@code edit}. */
  private Path model(Consumer<JsonObject> edit) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("m-" + System.nanoTime()));
    Files.copy(TINY.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    JsonObject c =
        JsonParser.parseString(Files.readString(TINY.resolve("config.json"))).getAsJsonObject();
    edit.accept(c);
    Files.writeString(dir.resolve("config.json"), c.toString());
    return dir;
  }

  private static String loadError(Path dir) {
    String msg =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                assertThrows(
                        CheckpointException.class,
                        () -> ModernBertEncoder.load(dir, EncoderOptions.defaults()).close())
                    .getMessage());
    assertTrue(msg.contains(dir.resolve("config.json").toString()), msg);
    assertTrue(msg.lines().count() == 1 && msg.length() < 400, msg);
    return msg;
  }

  @Test
  void aHugeLayerCountFailsAtOnceNamingTheField() throws IOException {
    for (int layers : new int[] {50_000_000, 1_000_000_000}) {
      String msg = loadError(model(c -> c.addProperty("num_hidden_layers", layers)));
      assertTrue(msg.contains("\"num_hidden_layers\" is " + layers), msg);
      assertTrue(msg.contains("the weights hold only"), msg);
    }
  }

  @Test
  void theLayerPatternCostsNothingBeforeTheWeights() {
    JsonObject c = new JsonObject();
    c.addProperty("num_hidden_layers", Integer.MAX_VALUE);
    ModernBertConfig config =
        assertTimeoutPreemptively(
            Duration.ofSeconds(10), () -> ModernBertConfig.parse(c, "config.json"));
    assertEquals(Integer.MAX_VALUE, config.globalLayers().size());
    assertTrue(config.isGlobal(Integer.MAX_VALUE - 1) == ((Integer.MAX_VALUE - 1) % 3 == 0));
  }

  @Test
  void wrongTypedRopeParametersNameTheField() throws IOException {
    String msg =
        loadError(
            model(
                c -> {
                  JsonObject rope = new JsonObject();
                  rope.addProperty("full_attention", 5);
                  c.add("rope_parameters", rope);
                }));
    assertTrue(
        msg.contains("\"rope_parameters.full_attention\" must be a JSON object, got 5"), msg);
    msg =
        loadError(
            model(
                c -> {
                  JsonObject full = new JsonObject();
                  full.add("rope_theta", new JsonObject());
                  JsonObject rope = new JsonObject();
                  rope.add("full_attention", full);
                  c.add("rope_parameters", rope);
                }));
    assertTrue(msg.contains("\"rope_parameters.full_attention.rope_theta\" must be a number"), msg);
  }

  @Test
  void wrongTypedId2labelNamesTheField() throws IOException {
    String msg =
        loadError(
            model(
                c -> {
                  JsonObject label = new JsonObject();
                  label.addProperty("x", 1);
                  JsonObject id2label = new JsonObject();
                  id2label.add("0", label);
                  c.add("id2label", id2label);
                }));
    assertTrue(msg.contains("\"id2label\" maps \"0\" to an object; labels must be strings"), msg);
  }

  @Test
  void deeplyNestedConfigIsRefusedInOneLine() throws IOException {
    Path dir = model(c -> {});
    int depth = 200_000;
    String json = Files.readString(dir.resolve("config.json"));
    Files.writeString(
        dir.resolve("config.json"),
        "{\"hidden_size\":" + "[".repeat(depth) + "]".repeat(depth) + "," + json.substring(1));
    String msg = loadError(dir);
    assertTrue(msg.contains("not valid JSON: JSON nested deeper than 128 levels"), msg);
  }

  /** A copy of the golden folder {@code name} with {@code file} replaced by {@code content}. */
  private Path goldenWith(String name, String file, String content) throws IOException {
    Path dir = tmp.resolve(name + "-" + file.replace('/', '-'));
    Golden.copy(Golden.resource("golden/" + name), dir, p -> true);
    Files.writeString(dir.resolve(file), content);
    return dir;
  }

  /** The message of the {@link CheckpointException} that {@code read} throws. */
  private static String refused(Executable read) {
    return assertThrows(CheckpointException.class, read).getMessage();
  }

  @Test
  void deeplyNestedTokenizerConfigIsRefusedInOneLine() throws IOException {
    int depth = 100_000;
    Path dir =
        goldenWith(
            "st-mean-normalize",
            "tokenizer_config.json",
            "{\"mask_token\":" + "[".repeat(depth) + "]".repeat(depth) + "}");
    String msg =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                refused(
                    () -> dev.modernbert.encoder.tokenize.TextTokenizer.load(dir, 512).close()));
    assertTrue(msg.contains("tokenizer_config.json"), msg);
    assertTrue(msg.contains("nested deeper than 128 levels"), msg);
  }

  @Test
  void aModuleThatIsNotAnObjectIsRefusedNamingModulesJson() throws IOException {
    Path dir = goldenWith("st-mean-normalize", "modules.json", "[1]");
    String msg =
        refused(() -> dev.modernbert.encoder.pipeline.SentenceTransformerFolder.pipeline(dir));
    assertTrue(msg.contains("modules.json: field \"module 0\" must be an object, got 1"), msg);
  }

  @Test
  void aWrongTypedPoolingModeIsRefusedNamingTheFile() throws IOException {
    Path dir =
        goldenWith("st-mean-normalize", "1_Pooling/config.json", "{\"pooling_mode\": {\"x\": 1}}");
    String msg =
        refused(() -> dev.modernbert.encoder.pipeline.SentenceTransformerFolder.pipeline(dir));
    assertTrue(
        msg.contains("field \"pooling_mode\" must be a string or a list of strings, got an object"),
        msg);
  }

  @Test
  void aWrongTypedColbertModuleIsRefusedNamingModulesJson() throws IOException {
    Path dir = goldenWith("colbert", "modules.json", "[{\"type\": [1], \"path\": \"\"}]");
    String msg = refused(() -> dev.modernbert.encoder.colbert.ColbertCheckpoint.read(dir));
    assertTrue(msg.contains("modules.json: field \"type\" must be a string, got a list"), msg);
  }
}
