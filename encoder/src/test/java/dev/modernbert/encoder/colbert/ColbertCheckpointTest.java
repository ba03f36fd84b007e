package dev.modernbert.encoder.colbert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.task.ColbertEmbed;
import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TorchSave;
import dev.modernbert.encoder.weights.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading PyLate folders: defaults, overrides, and the errors for what cannot be used. */
class ColbertCheckpointTest {
  static final Path FIXTURE = Golden.resource("golden/colbert");

  @TempDir Path tmp;

  /** A copy of the fixture folder that a test may change. */
  Path copy() {
    return Golden.copy(FIXTURE, tmp, p -> true);
  }

  @Test
  void readsTheFixturesSettings() {
    ColbertSettings s = ColbertCheckpoint.read(FIXTURE).settings();
    assertEquals(
        new ColbertSettings(
            "[Q] ",
            "[D] ",
            16,
            24,
            false,
            false,
            ColbertSettings.PUNCTUATION.chars().mapToObj(c -> String.valueOf((char) c)).toList(),
            ""),
        s);
    assertEquals(16, ColbertCheckpoint.read(FIXTURE).dimension());
  }

  @Test
  void absentSettingsTakePylatesDefaults() throws IOException {
    Path dir = copy();
    Files.delete(dir.resolve("config_sentence_transformers.json"));
    ColbertSettings s = ColbertCheckpoint.read(dir).settings();
    assertEquals("[Q] ", s.queryPrefix());
    assertEquals("[D] ", s.documentPrefix());
    assertEquals(32, s.queryLength());
    assertEquals(180, s.documentLength());
    assertTrue(s.doQueryExpansion());
    assertFalse(s.attendToExpansionTokens());
    assertEquals(32, s.skiplistWords().size());
    assertEquals("", s.prompt());
  }

  @Test
  void overridesWinAndNoExpansionMeansNoAttention() {
    ColbertSettings s = ColbertCheckpoint.read(FIXTURE).settings();
    ColbertSettings o = s.with(new ColbertOverrides(20, 30, false, true));
    assertEquals(20, o.queryLength());
    assertEquals(30, o.documentLength());
    assertFalse(o.attendToExpansionTokens(), "PyLate: no expansion, nothing to attend to");
    assertTrue(s.with(new ColbertOverrides(null, null, true, true)).attendToExpansionTokens());
    assertEquals(s, s.with(ColbertOverrides.NONE));
    assertThrows(IllegalArgumentException.class, () -> new ColbertOverrides(2, null, null, null));
  }

  @Test
  void expansionPadsToTheOverriddenLength() {
    try (ModernBertEncoder enc = ModernBertEncoder.load(FIXTURE, EncoderOptions.defaults())) {
      ColbertEmbed attend =
          new ColbertEmbed(ColbertRole.QUERY, new ColbertOverrides(20, null, true, true));
      int[] ids = attend.tokenize(enc, "Modern BERT").ids();
      assertEquals(20, ids.length);
      assertEquals(4, ids[19], "[MASK] pads");
      assertEquals(20, enc.run(attend, List.of(ids), null).values().get(0).length);
      ColbertEmbed noAttend =
          new ColbertEmbed(ColbertRole.QUERY, new ColbertOverrides(20, null, true, false));
      int[] real = noAttend.tokenize(enc, "Modern BERT").ids();
      assertEquals(8, real.length, "unattended expansion tokens are not encoded");
      float[][] rows = enc.run(noAttend, List.of(real), null).values().get(0);
      assertEquals(20, rows.length);
      for (int r = 8; r < 20; r++) {
        assertEquals(0.0, Math.abs(rows[r][0]) + Math.abs(rows[r][15]), "zero row " + r);
      }
    }
  }

  @Test
  void surroundingWhitespaceIsStrippedAsPythonDoes() {
    assertEquals("a b", PythonStrip.strip("\u00a0\u2007 a b\u0085\u202f\n"));
    try (ModernBertEncoder enc = ModernBertEncoder.load(FIXTURE, EncoderOptions.defaults())) {
      ColbertEmbed task = new ColbertEmbed(ColbertRole.DOCUMENT, ColbertOverrides.NONE);
      var plain = task.tokenize(enc, "Short.");
      var padded = task.tokenize(enc, "\u00a0  Short. \n");
      assertEquals(
          List.of(2, 387, 203, 18, 3),
          Stream.of(plain.ids()).flatMapToInt(java.util.Arrays::stream).boxed().toList());
      assertEquals(java.util.Arrays.toString(plain.ids()), java.util.Arrays.toString(padded.ids()));
      assertEquals(
          "Short", "\u00a0  Short. \n".substring(padded.charStart()[2], padded.charEnd()[2]));
    }
  }

  @Test
  void aFolderWithoutPylateModulesIsRefused() throws IOException {
    try (ModernBertEncoder enc =
        ModernBertEncoder.load(
            Golden.resource("golden/" + Golden.MAIN), EncoderOptions.defaults())) {
      CheckpointException e =
          assertThrows(
              CheckpointException.class,
              () -> enc.require(new ColbertEmbed(ColbertRole.DOCUMENT, ColbertOverrides.NONE)));
      assertTrue(e.getMessage().contains("is not a PyLate ColBERT folder"), e.getMessage());
    }
    Path dir = copy();
    Files.writeString(
        dir.resolve("modules.json"),
        "[{\"idx\":0,\"name\":\"0\",\"path\":\"\",\"type\":\"sentence_transformers.models.Transformer\"},"
            + "{\"idx\":1,\"name\":\"1\",\"path\":\"1_Pooling\",\"type\":\"sentence_transformers.models.Pooling\"}]");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ColbertCheckpoint.read(dir));
    assertTrue(e.getMessage().contains("lists no pylate.models.Dense.Dense"), e.getMessage());
  }

  /** The ColBERT Dense goes through the same weight reader: a pytorch_model.bin twin is equal. */
  @Test
  void aDenseSavedAsPytorchBinGivesTheSameVectors() throws IOException {
    Path dir = copy();
    Path dense = dir.resolve("1_Dense");
    try (SafetensorsFile st = SafetensorsFile.open(dense.resolve("model.safetensors"))) {
      TorchSave.copy(st, dense.resolve("pytorch_model.bin"));
    }
    Files.delete(dense.resolve("model.safetensors"));
    ColbertEmbed task = new ColbertEmbed(ColbertRole.DOCUMENT, ColbertOverrides.NONE);
    try (ModernBertEncoder st = ModernBertEncoder.load(FIXTURE, EncoderOptions.defaults());
        ModernBertEncoder bin = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      List<int[]> ids = List.of(task.tokenize(st, "Modern BERT reads long documents.").ids());
      float[][] want = st.run(task, ids, null).values().get(0);
      float[][] got = bin.run(task, ids, null).values().get(0);
      assertEquals(want.length, got.length);
      for (int r = 0; r < want.length; r++) {
        assertArrayEquals(want[r], got[r], "row " + r);
      }
    }
  }

  @Test
  void badSettingsNameTheKey() throws IOException {
    Path dir = copy();
    Files.writeString(
        dir.resolve("config_sentence_transformers.json"), "{\"query_length\": \"long\"}");
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> ColbertCheckpoint.read(dir));
    assertTrue(
        e.getMessage().contains("field \"query_length\" must be an integer"), e.getMessage());
  }

  @Test
  void aMissingPrefixTokenIsRefused() throws IOException {
    Path dir = copy();
    Files.writeString(
        dir.resolve("config_sentence_transformers.json"), "{\"query_prefix\": \"[QQ] \"}");
    ColbertCheckpoint c = ColbertCheckpoint.read(dir);
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> c.inputs(ColbertRole.QUERY, ColbertOverrides.NONE, java.util.OptionalInt.of(4)));
    assertTrue(e.getMessage().contains("has no token \"[QQ] \""), e.getMessage());
  }

  @Test
  void aRoleLongerThanMaxLengthIsRefused() {
    try (ModernBertEncoder enc =
        ModernBertEncoder.load(FIXTURE, EncoderOptions.defaults().withMaxLength(20))) {
      String problem =
          new ColbertEmbed(ColbertRole.DOCUMENT, ColbertOverrides.NONE).problemWith(enc);
      assertTrue(problem.startsWith("document length 24 is longer than maxLength 20"), problem);
      assertEquals(
          null, new ColbertEmbed(ColbertRole.QUERY, ColbertOverrides.NONE).problemWith(enc));
    }
  }

  @Test
  void aBadRoleIsRefusedNamingTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ColbertRole.parse("passage"));
    assertEquals("role must be query or document, got \"passage\"", e.getMessage());
    assertEquals(ColbertRole.QUERY, ColbertRole.parse(" Query "));
  }
}
