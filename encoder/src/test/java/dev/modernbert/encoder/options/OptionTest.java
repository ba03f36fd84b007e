package dev.modernbert.encoder.options;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A declaration reads, checks and describes its values, with one message per problem. */
class OptionTest {
  private static String refused(Option<?> o, String label, String text) {
    return assertThrows(IllegalArgumentException.class, () -> o.parse(label, text)).getMessage();
  }

  @Test
  void flagsAreTheKebabCaseNameUnlessDeclaredOtherwise() {
    assertEquals("--window-overlap", LongTextOptions.WINDOW_OVERLAP.flag());
    assertEquals("attend-to-expansion-tokens", TaskOptions.ATTEND_TO_EXPANSION_TOKENS.key());
    assertEquals("--model", RunOptions.MODEL_PATH.flag());
    assertEquals("--text-col", ColumnOptions.INPUT_COL.flag());
  }

  @Test
  void oneMessagePerProblemNamingTheLabel() {
    Option<Integer> overlap = LongTextOptions.WINDOW_OVERLAP;
    assertEquals(
        "windowOverlap: -1 is too small (at least 0)", refused(overlap, "windowOverlap", "-1"));
    assertEquals(
        "--window-overlap: \"x\" is not an integer", refused(overlap, "--window-overlap", "x"));
    assertEquals(
        "--aggregate: bad value \"median\" (expected none, mean, max)",
        refused(LongTextOptions.AGGREGATE, "--aggregate", "median"));
    assertEquals(
        "--device: bad value \"tpu\" (expected auto, cpu, cuda or cuda:N)",
        refused(RunOptions.DEVICE, "--device", "tpu"));
    assertEquals(
        "errorCol: bad value \" \" (expected a column name)",
        refused(ColumnOptions.ERROR_COL, "errorCol", " "));
    assertEquals(
        "normalize: bad value \"yes\" (expected true, false)",
        refused(EmbedOptions.NORMALIZE, "normalize", "yes"));
  }

  @Test
  void valuesAreReadForTheirType() {
    assertEquals(12, LongTextOptions.WINDOW_TOKENS.parse("--window-tokens", " 12 "));
    assertEquals("mean", EmbedOptions.POOLING.parse("--pooling", " MEAN"));
    assertEquals(true, EmbedOptions.NORMALIZE.parse("normalize", "TRUE"));
    assertEquals(" query: ", EmbedOptions.PROMPT.parse("prompt", " query: "), "text as given");
    assertEquals("cuda:1", RunOptions.DEVICE.parse("device", "cuda:1"));
  }

  @Test
  void defaultsAreTheConstantsTheCodeUses() {
    assertEquals(BatchPlanner.DEFAULT_BATCH_TOKENS, RunOptions.BATCH_TOKENS.defaultValue());
    assertEquals(BatchPlanner.DEFAULT_MAX_BATCH_ROWS, RunOptions.MAX_BATCH_ROWS.defaultValue());
    assertEquals(LongTextEmbed.DEFAULT_CHUNK_TOKENS, LongTextOptions.CHUNK_TOKENS.defaultValue());
    assertNull(EmbedOptions.PROMPT.defaultValue(), "unset unless given");
  }

  @Test
  void aFrontEndsVariantKeepsTheRuleAndTheDoc() {
    Option<String> cli = RunOptions.DEVICE.withDefault("cpu");
    assertEquals("cpu", cli.defaultValue());
    assertEquals(RunOptions.DEVICE.doc(), cli.doc());
    assertEquals(RunOptions.DEVICE.problem("d", "tpu"), cli.problem("d", "tpu"));
    Option<String> withNone = EmbedOptions.POOLING.orAlso("none", "hidden states");
    assertEquals("none", withNone.parse("--pooling", "none"));
    assertTrue(withNone.doc().startsWith(EmbedOptions.POOLING.doc()));
    assertThrows(
        IllegalArgumentException.class, () -> EmbedOptions.POOLING.parse("--pooling", "none"));
  }

  @Test
  void referencesReadAsParamNamesOrFlags() {
    assertEquals("L2-normalise each embedding (after truncateDim)", EmbedOptions.NORMALIZE.doc());
    assertEquals(
        "L2-normalise each embedding (after --truncate-dim) (default false)",
        EmbedOptions.NORMALIZE.help());
    for (List<Option<?>> catalog : catalogs()) {
      for (Option<?> o : catalog) {
        assertFalse(o.doc().contains("{"), o.name() + ": an unresolved reference");
      }
    }
  }

  @Test
  void everyNameIsDeclaredOnce() {
    Set<String> names = new HashSet<>();
    for (List<Option<?>> catalog : catalogs()) {
      for (Option<?> o : catalog) {
        assertTrue(names.add(o.name()), o.name() + " is declared twice");
      }
    }
  }

  @Test
  void aRequiredMarkIsACopyThatKeepsTheRuleAndSaysHowToGiveTheOption() {
    Option<String> plain = Option.choice("side", "which side", null, List.of("left", "right"));
    Option<String> required = plain.required();
    assertFalse(plain.isRequired(), "the declaration it was copied from is unchanged");
    assertTrue(required.isRequired());
    assertEquals("--side left or --side right", required.requirement());
    assertEquals(
        "--side: bad value \"up\" (expected left, right)", refused(required, "--side", "up"));
    assertTrue(required.withFlag("--edge").isRequired());
    assertEquals("--edge left or --edge right", required.withFlag("--edge").requirement());
    Option<String> wider = required.orAlso("both", "either side");
    assertTrue(wider.isRequired());
    assertEquals("--side left or --side right or --side both", wider.requirement());
    assertFalse(required.withDefault("left").isRequired(), "a default: never missing");
    assertEquals(
        "--k (integer >= 1)", Option.integer("k", "how many", null, 1).required().requirement());
    IllegalStateException withDefault =
        assertThrows(
            IllegalStateException.class, () -> Option.integer("k", "how many", 5, 1).required());
    assertTrue(withDefault.getMessage().contains("k has a default"), withDefault.getMessage());
  }

  @Test
  void theRoleIsTheRequiredOption() {
    List<String> required = new ArrayList<>();
    for (List<Option<?>> catalog : catalogs()) {
      for (Option<?> o : catalog) {
        if (o.isRequired()) {
          required.add(o.name());
          assertNull(o.defaultValue(), o.name());
        }
      }
    }
    assertEquals(List.of("role"), required);
    assertEquals("--role query or --role document", TaskOptions.ROLE.requirement());
  }

  private static List<List<Option<?>>> catalogs() {
    List<List<Option<?>>> all = new ArrayList<>();
    all.add(RunOptions.ALL);
    all.add(ColumnOptions.ALL);
    all.add(EmbedOptions.ALL);
    all.add(LongTextOptions.ALL);
    all.add(TaskOptions.ALL);
    return all;
  }
}
