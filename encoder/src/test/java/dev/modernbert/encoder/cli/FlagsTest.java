package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The row commands' flags: the shared parser's problems become usage errors of the command. */
class FlagsTest {
  private static final Set<String> VALUED = Set.of("--model", "--top-k");
  private static final Set<String> SWITCHES = Set.of("--normalize");

  private static CliException refused(String... args) {
    CliException e =
        assertThrows(CliException.class, () -> Flags.parse("encode", args, VALUED, SWITCHES));
    assertEquals(Main.EXIT_USAGE, e.exitCode());
    assertEquals("encode", e.usageOf());
    return e;
  }

  @Test
  void parses() {
    Flags f =
        Flags.parse(
            "encode", new String[] {"--model", "m", "--top-k=3", "--normalize"}, VALUED, SWITCHES);
    assertEquals("m", f.required("--model"));
    assertEquals(3, f.intAtLeast("--top-k", 1, 1));
    assertTrue(f.has("--normalize"));
    assertFalse(f.has("--bogus"));
    assertEquals("encode", f.command());
  }

  @Test
  void everyProblemIsAUsageErrorNamingTheFlag() {
    assertEquals("unknown flag --bogus", refused("--bogus", "1").getMessage());
    assertEquals("--model needs a value", refused("--model").getMessage());
    assertEquals("--model is given twice", refused("--model", "a", "--model", "b").getMessage());
    assertEquals("--normalize takes no value", refused("--normalize=true").getMessage());
    assertEquals("unexpected argument \"m\"", refused("m").getMessage());
  }
}
