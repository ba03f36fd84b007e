package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest the Python build generates its Params from lists every Param as Spark does. */
class StageParamsManifestTest {
  @Test
  void listsEveryStageWithEveryParam() {
    JsonObject manifest = StageParamsManifest.manifest();
    List<String> names = new ArrayList<>();
    for (JsonElement s : manifest.getAsJsonArray("stages")) {
      names.add(s.getAsJsonObject().get("name").getAsString());
    }
    assertEquals(
        List.of(
            "ModernBertEmbedder",
            "ModernBertClassifier",
            "ModernBertTokenClassifier",
            "ModernBertFillMask",
            "ModernBertColBERT"),
        names);

    JsonObject embedder = manifest.getAsJsonArray("stages").get(0).getAsJsonObject();
    Param<?>[] javaParams = new ModernBertEmbedder().params();
    assertEquals(javaParams.length, embedder.getAsJsonArray("params").size());
    JsonObject normalize = param(embedder, "normalize");
    assertEquals("BooleanParam", normalize.get("type").getAsString());
    assertFalse(normalize.get("default").getAsBoolean());
    assertEquals(new ModernBertEmbedder().normalize().doc(), normalize.get("doc").getAsString());
    assertEquals("embedding", param(embedder, "outputCol").get("default").getAsString());
    assertEquals("IntParam", param(embedder, "truncateDim").get("type").getAsString());
    assertFalse(param(embedder, "modelPath").has("default"), "modelPath has no default");
  }

  @Test
  void mainWritesTheJsonFile(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("stages.json");
    StageParamsManifest.main(new String[] {out.toString()});
    String json = Files.readString(out, StandardCharsets.UTF_8);
    assertEquals(StageParamsManifest.manifest(), JsonParser.parseString(json));
  }

  private static JsonObject param(JsonObject stage, String name) {
    for (JsonElement p : stage.getAsJsonArray("params")) {
      if (p.getAsJsonObject().get("name").getAsString().equals(name)) {
        return p.getAsJsonObject();
      }
    }
    throw new AssertionError(name + " is not in the manifest");
  }
}
