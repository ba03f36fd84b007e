package dev.modernbert.spark.ml;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.Golden;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stages' driver-side checks of a local model folder (no Spark session, no weights loaded). */
class DriverChecksTest {
  @TempDir Path tmp;

  @Test
  void aCheckpointTheLoaderRefusesFailsOnTheDriverForEveryTask() throws Exception {
    Path model = Files.createDirectories(tmp.resolve("malicious"));
    Files.copy(Golden.resource("golden/pytorch-bin/config.json"), model.resolve("config.json"));
    Files.copy(
        Golden.resource("golden/malicious/pytorch_model.bin"), model.resolve("pytorch_model.bin"));
    for (ModernBertStage<?> stage :
        new ModernBertStage<?>[] {new ModernBertEmbedder(), new ModernBertFillMask()}) {
      stage.setModelPath(model.toString());
      String m = assertThrows(IllegalArgumentException.class, stage::checkModelHead).getMessage();
      assertTrue(m.contains("modelPath " + model), m);
      assertTrue(m.contains("names the global os.system"), m);
    }
  }

  @Test
  void anUnknownPromptNameFailsOnTheDriver() {
    String model = Golden.resource("golden/st-mean-normalize").toString();
    ModernBertEmbedder e = new ModernBertEmbedder().setModelPath(model).setPromptName("nope");
    String m = assertThrows(IllegalArgumentException.class, e::checkModelHead).getMessage();
    assertTrue(m.startsWith("ModernBertEmbedder: modelPath " + model), m);
    assertTrue(
        m.contains("unknown prompt name \"nope\": the model's prompts are query, document"), m);
    assertDoesNotThrow(() -> e.setPromptName("query").checkModelHead());
    // demo defines no prompts.
    ModernBertEmbedder demo = new ModernBertEmbedder().setModelPath("demo").setPromptName("query");
    m = assertThrows(IllegalArgumentException.class, demo::checkModelHead).getMessage();
    assertTrue(m.contains("defines no prompts"), m);
  }
}
