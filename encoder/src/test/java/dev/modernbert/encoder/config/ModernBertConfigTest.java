package dev.modernbert.encoder.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.Golden;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModernBertConfigTest {

  private static JsonObject goldenJson(String file) throws Exception {
    return JsonParser.parseString(
            Files.readString(Golden.resource("golden/tiny-modernbert/" + file)))
        .getAsJsonObject();
  }

  @Test
  void v4AndV5LayoutsOfTheSameCheckpointAgree() throws Exception {
    ModernBertConfig v4 = ModernBertConfig.parse(goldenJson("config.json"), "v4");
    ModernBertConfig v5 = ModernBertConfig.parse(goldenJson("config-v5.json"), "v5");
    assertEquals(List.of(true, false, false, true), v4.globalLayers());
    assertEquals(v4.globalLayers(), v5.globalLayers());
    assertEquals(160000.0, v5.globalRopeTheta());
    assertEquals(10000.0, v5.localRopeTheta());
    assertEquals(v4, v5);
  }

  @Test
  void v5ReadsThetasAndLayerTypesRatherThanDefaults() throws Exception {
    JsonObject json = goldenJson("config-v5.json");
    JsonObject rope = json.getAsJsonObject("rope_parameters");
    rope.getAsJsonObject("full_attention").addProperty("rope_theta", 40000.0);
    rope.getAsJsonObject("sliding_attention").addProperty("rope_theta", 5000.0);
    JsonArray types = new JsonArray();
    List.of("sliding_attention", "full_attention", "full_attention", "sliding_attention")
        .forEach(types::add);
    json.add("layer_types", types); // contradicts global_attn_every_n_layers=3: layer_types wins
    ModernBertConfig c = ModernBertConfig.parse(json, "v5");
    assertEquals(40000.0, c.globalRopeTheta());
    assertEquals(5000.0, c.localRopeTheta());
    assertEquals(List.of(false, true, true, false), c.globalLayers());
  }

  @Test
  void emptyConfigGivesHfDefaultsWhichAreModernBertBase() {
    ModernBertConfig c = ModernBertConfig.base();
    assertEquals(768, c.hiddenSize());
    assertEquals(22, c.numHiddenLayers());
    assertEquals(64, c.headDim());
    assertEquals(64, c.windowRadius());
    assertEquals(8, c.globalLayers().stream().filter(g -> g).count());
    assertEquals(Activation.GELU, c.hiddenActivation());
    assertEquals(50283, c.padTokenId());
    assertEquals("cls", c.classifierPooling());
    assertTrue(c.tieWordEmbeddings());
  }

  @Test
  void nullLocalThetaMeansTheGlobalOne() {
    JsonObject json = new JsonObject();
    json.addProperty("global_rope_theta", 20000.0);
    json.add("local_rope_theta", null);
    assertEquals(20000.0, ModernBertConfig.parse(json, "c").localRopeTheta());
  }

  private static String error(String field, Object value) {
    JsonObject json = new JsonObject();
    if (value instanceof Number n) {
      json.addProperty(field, n);
    } else if (value instanceof String s) {
      json.addProperty(field, s);
    } else {
      json.add(field, (com.google.gson.JsonElement) value);
    }
    return assertThrows(
            CheckpointException.class, () -> ModernBertConfig.parse(json, "config.json"))
        .getMessage();
  }

  @Test
  void invalidFieldsAreNamedInTheError() {
    assertTrue(
        error("hidden_size", 770)
            .contains("\"hidden_size\" 770 is not a multiple of num_attention_heads 12"));
    assertTrue(error("num_hidden_layers", -1).contains("\"num_hidden_layers\" must be positive"));
    assertTrue(
        error("hidden_activation", "mish").contains("unsupported hidden_activation \"mish\""));
    assertTrue(error("classifier_pooling", "max").contains("\"classifier_pooling\" is \"max\""));
    assertTrue(error("model_type", "bert").contains("only \"modernbert\""));
    assertTrue(error("local_attention", 127).contains("\"local_attention\" 127 must be even"));
    assertTrue(
        error("vocab_size", "big")
            .contains("field \"vocab_size\" must be an integer, got \"big\""));
    JsonArray types = new JsonArray();
    types.add("full_attention");
    assertTrue(
        error("layer_types", types)
            .contains("\"layer_types\" has 1 entries but num_hidden_layers is 22"));
    JsonObject rope =
        JsonParser.parseString("{\"full_attention\":{\"rope_type\":\"yarn\",\"rope_theta\":1.0}}")
            .getAsJsonObject();
    assertTrue(error("rope_parameters", rope).contains("rope_parameters.full_attention.rope_type"));
  }

  @Test
  void missingConfigFileIsNamed() {
    var e =
        assertThrows(
            CheckpointException.class,
            () -> ModernBertConfig.read(java.nio.file.Path.of("/nonexistent/config.json")));
    assertTrue(e.getMessage().contains("no config.json at /nonexistent/config.json"));
  }
}
