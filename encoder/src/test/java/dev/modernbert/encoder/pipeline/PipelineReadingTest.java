package dev.modernbert.encoder.pipeline;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TorchSave;
import dev.modernbert.encoder.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading sentence-transformers folders: layouts, modes, and a clear error for each bad input. */
class PipelineReadingTest {
  private static final Path CLS_DENSE = Golden.resource("golden/st-cls-dense");

  @TempDir Path tmp;

  /** A copy of st-cls-dense's small files (no encoder weights: the reader does not need them). */
  private Path clsDenseCopy() {
    return Golden.copy(
        CLS_DENSE,
        tmp.resolve("st"),
        p ->
            !p.getFileName().toString().equals("model.safetensors")
                || p.getParent().getFileName().toString().equals("2_Dense"));
  }

  private static void write(Path file, String json) throws IOException {
    Files.writeString(file, json, StandardCharsets.UTF_8);
  }

  @Test
  void readsTheFiveSevenLayout() throws IOException {
    EmbeddingPipeline p = SentenceTransformerFolder.pipeline(clsDenseCopy());
    assertEquals(List.of(Pooling.CLS), p.pooling().modes());
    assertEquals("Pooling(cls) -> Dense(32 -> 16, Tanh)", p.describe());
    assertEquals(16, p.outputDim(32));
    assertEquals("query: ", p.prompts().resolve(null, "query"));
    assertEquals("", p.prompts().resolve(null, null), "no default prompt");
    assertEquals("", p.prompts().resolve("", "query"), "an explicit empty prompt wins");
  }

  @Test
  void classicFlagsConcatenateInSentenceTransformersOrderAndListsInTheirOwn() throws IOException {
    Path f = tmp.resolve("pooling.json");
    write(
        f,
        "{\"word_embedding_dimension\": 8, \"pooling_mode_lasttoken\": true,"
            + " \"pooling_mode_mean_tokens\": true, \"pooling_mode_cls_token\": true,"
            + " \"pooling_mode_max_tokens\": false}");
    PoolingModule classic = PoolingModule.read(f);
    assertEquals(List.of(Pooling.CLS, Pooling.MEAN, Pooling.LASTTOKEN), classic.modes());
    assertEquals(8, classic.dimension());
    assertTrue(classic.includePrompt());
    write(
        f,
        "{\"embedding_dimension\": 8, \"pooling_mode\": [\"lasttoken\", \"mean_sqrt_len_tokens\"]}");
    assertEquals(List.of(Pooling.LASTTOKEN, Pooling.MEAN_SQRT_LEN), PoolingModule.read(f).modes());
  }

  /** A copy of st-cls-dense whose {@code file} has {@code from} replaced by {@code to}. */
  private Path edited(String file, String from, String to) throws IOException {
    Path dir = clsDenseCopy();
    String text = Files.readString(dir.resolve(file));
    assertTrue(text.contains(from), file + " lacks " + from);
    write(dir.resolve(file), text.replace(from, to));
    return dir;
  }

  /** Reading {@code dir} fails with a message holding every one of {@code parts}. */
  private static void assertRefused(Path dir, String... parts) {
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SentenceTransformerFolder.pipeline(dir));
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), e.getMessage());
    }
  }

  @Test
  void unknownModuleTypeIsNamed() throws IOException {
    assertRefused(
        edited(
            "modules.json",
            "sentence_transformers.base.modules.dense.Dense",
            "sentence_transformers.models.LayerNorm"),
        "unknown module type \"sentence_transformers.models.LayerNorm\"");
  }

  @Test
  void missingDenseWeightsAreNamed() throws IOException {
    Path dir = clsDenseCopy();
    Files.delete(dir.resolve("2_Dense/model.safetensors"));
    assertRefused(dir, "Dense module has no weights", "2_Dense");
  }

  /**
   * A Dense module saved as pytorch_model.bin (its safetensors twin rewritten here in torch.save's
   * zip format by {@link TorchSave}) is read through the same call and gives the same vectors.
   */
  @Test
  void aDenseModuleSavedAsPytorchBinGivesTheSameVectors() throws IOException {
    Path dir = Golden.copy(CLS_DENSE, tmp.resolve("bin"), p -> true);
    Path dense = dir.resolve("2_Dense");
    try (SafetensorsFile st = SafetensorsFile.open(dense.resolve("model.safetensors"))) {
      TorchSave.copy(st, dense.resolve("pytorch_model.bin"));
    }
    Files.delete(dense.resolve("model.safetensors"));
    List<String> texts = List.of("The river flows through the city of Paris.", "Short.");
    Embed task = new Embed(Pooling.AUTO, false);
    try (ModernBertEncoder st = ModernBertEncoder.load(CLS_DENSE, EncoderOptions.defaults());
        ModernBertEncoder bin = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      assertEquals(st.pipeline().describe(), bin.pipeline().describe());
      List<float[]> want = st.runTexts(task, texts).values();
      List<float[]> got = bin.runTexts(task, texts).values();
      for (int i = 0; i < texts.size(); i++) {
        assertArrayEquals(want.get(i), got.get(i), texts.get(i));
      }
    }
  }

  @Test
  void denseShapeOtherThanItsConfigIsRefused() throws IOException {
    assertRefused(
        edited("2_Dense/config.json", "\"out_features\": 16", "\"out_features\": 12"),
        "linear.weight has shape [16, 32]");
  }

  @Test
  void unknownActivationIsNamed() throws IOException {
    assertRefused(
        edited("2_Dense/config.json", "activation.Tanh", "activation.Hardswish"),
        "torch.nn.modules.activation.Hardswish");
  }

  @Test
  void badPoolingModeIsNamed() throws IOException {
    assertRefused(
        edited(
            "1_Pooling/config.json", "\"pooling_mode\": \"cls\"", "\"pooling_mode\": \"median\""),
        "unknown pooling_mode \"median\"");
    assertThrows(IllegalArgumentException.class, () -> Pooling.parse("median"));
  }

  @Test
  void promptNameErrorsListTheNamesAndTruncateDimIsChecked() {
    try (ModernBertEncoder enc = ModernBertEncoder.load(CLS_DENSE, EncoderOptions.defaults())) {
      CheckpointException e =
          assertThrows(
              CheckpointException.class,
              () -> enc.require(new Embed(Pooling.AUTO, false, null, "passage", 0)));
      assertTrue(e.getMessage().contains("unknown prompt name \"passage\""), e.getMessage());
      assertTrue(e.getMessage().contains("document, query"), e.getMessage());
      e =
          assertThrows(
              CheckpointException.class,
              () -> enc.require(new Embed(Pooling.AUTO, false, null, null, 17)));
      assertTrue(
          e.getMessage().contains("truncateDim 17 is larger than the embedding (16"),
          e.getMessage());
      assertNull(new Embed(Pooling.AUTO, false, null, null, 16).problemWith(enc));
      assertThrows(
          IllegalArgumentException.class, () -> new Embed(Pooling.AUTO, false, null, null, -1));
    }
  }

  /**
   * An explicit mode replaces only the Pooling module: st-cls-dense with mean is tanh(W mean + b),
   * the Dense applied to the mean of the hidden states; and Dense applies to any [rows, in].
   */
  @Test
  void explicitModeKeepsTheModulesAfterPooling() {
    String text = "The river flows through the city of Paris.";
    try (ModernBertEncoder enc = ModernBertEncoder.load(CLS_DENSE, EncoderOptions.defaults());
        SafetensorsFile dense =
            SafetensorsFile.open(CLS_DENSE.resolve("2_Dense/model.safetensors"))) {
      Embed mean = new Embed(Pooling.MEAN, false);
      float[] got = enc.runTexts(mean, List.of(text)).values().get(0);
      float[][] hidden = enc.lastHiddenState(List.of(enc.tokenize(text).ids())).get(0);
      float[] avg = new float[32];
      for (float[] row : hidden) {
        for (int j = 0; j < 32; j++) {
          avg[j] += row[j] / hidden.length;
        }
      }
      float[] w = dense.readFloats("linear.weight");
      float[] b = dense.readFloats("linear.bias");
      float[] want = new float[16];
      for (int o = 0; o < 16; o++) {
        double s = b[o];
        for (int j = 0; j < 32; j++) {
          s += (double) w[o * 32 + j] * avg[j];
        }
        want[o] = (float) Math.tanh(s);
      }
      assertClose(want, got, 1e-5, "mean then Dense");

      try (NDManager m = TorchRuntime.engine().newBaseManager()) {
        float[] rows = new float[3 * 32];
        System.arraycopy(avg, 0, rows, 32, 32); // row 1 is the mean; rows 0 and 2 zeros
        NDArray out = enc.pipeline().applyAfterPooling(m.create(rows, new Shape(3, 32)));
        assertEquals(new Shape(3, 16), out.getShape());
        float[] flat = out.toFloatArray();
        float[] row1 = java.util.Arrays.copyOfRange(flat, 16, 32);
        assertClose(want, row1, 1e-5, "Dense on a [rows, in] array");
      }
    }
  }
}
