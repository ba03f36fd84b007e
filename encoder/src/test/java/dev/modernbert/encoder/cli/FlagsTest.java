package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.options.EmbedOptions;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.TaskOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The commands' flags: the shared parser's problems and a bad value (the option's one message)
 * become usage errors of the command.
 */
class FlagsTest {
  private static final List<Option<?>> OPTIONS =
      List.of(CliOptions.MODEL, TaskOptions.TOP_K, EmbedOptions.NORMALIZE, CliOptions.POOLING);

  private static CliException refused(String... args) {
    CliException e = assertThrows(CliException.class, () -> Flags.parse("encode", args, OPTIONS));
    assertEquals(Main.EXIT_USAGE, e.exitCode());
    assertEquals("encode", e.usageOf());
    return e;
  }

  @Test
  void parses() {
    Flags f =
        Flags.parse("encode", new String[] {"--model", "m", "--top-k=3", "--normalize"}, OPTIONS);
    assertEquals("m", f.required("--model"));
    assertEquals(3, f.value(TaskOptions.TOP_K));
    assertTrue(f.value(EmbedOptions.NORMALIZE));
    assertEquals("auto", f.value(CliOptions.POOLING), "absent: the declaration's default");
    assertFalse(f.has("--bogus"));
    assertEquals("encode", f.command());
    Flags none = Flags.parse("encode", new String[] {"--normalize", "false"}, OPTIONS);
    assertFalse(none.value(EmbedOptions.NORMALIZE));
    assertNull(none.value(CliOptions.MODEL));
  }

  @Test
  void everyProblemIsAUsageErrorNamingTheFlag() {
    assertEquals("unknown flag --bogus", refused("--bogus", "1").getMessage());
    assertEquals("--model needs a value", refused("--model").getMessage());
    assertEquals("--model is given twice", refused("--model", "a", "--model", "b").getMessage());
    assertEquals("unexpected argument \"m\"", refused("m").getMessage());
  }

  @Test
  void aBadValueGetsItsOptionsMessageWhenParsed() {
    assertEquals("--top-k: 0 is too small (at least 1)", refused("--top-k", "0").getMessage());
    assertEquals("--top-k: \"x\" is not an integer", refused("--top-k", "x").getMessage());
    assertEquals(
        "--normalize: bad value \"yes\" (expected true, false)",
        refused("--normalize=yes").getMessage());
    String pooling = refused("--pooling", "median").getMessage();
    assertTrue(pooling.startsWith("--pooling: bad value \"median\" (expected auto, cls"), pooling);
    assertTrue(pooling.endsWith(", none)"), pooling);
  }

  @Test
  void everyCommandsHelpShowsEachOfItsOptionsWithItsHelp() {
    CliReference.optionsByCommand()
        .forEach(
            (command, options) -> {
              String usage = Main.usage(command).replaceAll("\\s+", " ");
              for (Option<?> o : options) {
                assertTrue(usage.contains(o.flag()), command + " lacks " + o.flag());
                assertTrue(
                    usage.contains(o.help().replaceAll("\\s+", " ")),
                    command + " " + o.flag() + ": " + o.help());
              }
            });
  }

  @Test
  void theCliKeepsItsOwnDefaultsAndFlagNames() {
    assertEquals("cpu", CliOptions.DEVICE.defaultValue());
    assertEquals("float32", CliOptions.DTYPE.defaultValue());
    assertEquals("--threads", CliOptions.THREADS.flag());
    assertEquals("--top-k", CliOptions.TOP_LABELS.flag());
    assertTrue(CliOptions.POOLING.choices().contains("none"));
    assertTrue(Main.usage("encode").contains("(default 4096)"), "chunk rows and batch tokens");
  }
}
