package dev.modernbert.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TestDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * mmBERT's conventions ({@code mmbert-tiny}: local theta 160000 like the global one, special ids
 * pad 0 / eos=sep 1 / bos=cls 2, {@code position_embedding_type} "sans_pos") in both config layouts
 * transformers writes (4.57 and 5.x, {@code config-v5.json}), against HF's outputs from input ids,
 * each sequence alone and all five in one padded batch (pad id 0). 1e-4 as the issue asks (a local
 * theta of 10000 moves hidden states by 1.92).
 */
class MmBertGoldenParityTest {
  static final double ATOL = 1e-4;

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"config.json", "config-v5.json"})
  void hiddenStatesAndLogitsMatchHf(String configFile) throws IOException {
    try (Golden g = Golden.open("mmbert-tiny")) {
      Path dir = checkpointWith(g.dir, configFile);
      ModernBertConfig c = ModernBertConfig.read(dir.resolve("config.json"));
      assertEquals(160000.0, c.localRopeTheta());
      assertEquals(160000.0, c.globalRopeTheta());
      assertEquals(g.specialId("pad"), c.padTokenId());
      assertEquals(g.specialId("cls"), c.clsTokenId());
      assertEquals(g.specialId("sep"), c.sepTokenId());
      assertEquals(g.specialId("bos"), c.bosTokenId());
      assertEquals(g.specialId("eos"), c.eosTokenId());
      assertEquals("sans_pos", c.positionEmbeddingType());
      assertEquals(List.of(true, false, false, true), c.globalLayers());
      List<int[]> seqs = g.sequences();
      List<int[]> positions = g.logitPositions();
      try (ModernBertEncoder enc = ModernBertEncoder.load(dir, TestDevice.options())) {
        Golden.assertMatchesHf(enc, seqs, positions, g::floats, ATOL, ATOL, configFile);
      }
    }
  }

  /** The fixture's weights with one of its two config files as config.json. */
  private Path checkpointWith(Path fixture, String configFile) throws IOException {
    Path dir = tmp.resolve(configFile.replace(".json", ""));
    Files.createDirectories(dir);
    Files.copy(fixture.resolve(configFile), dir.resolve("config.json"));
    Files.copy(
        fixture.resolve("model.safetensors"),
        dir.resolve("model.safetensors"),
        StandardCopyOption.REPLACE_EXISTING);
    return dir;
  }
}
