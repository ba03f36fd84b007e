package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.task.Output;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command table comes from the registry of outputs: every output has its command. */
class CommandTableTest {

  @Test
  void everyOutputHasACommandListedInTheUsage() {
    List<String> commands = new ArrayList<>(Main.COMMANDS.keySet());
    for (Output o : Output.values()) {
      assertTrue(commands.contains(o.command()), o + " has no command: " + commands);
      assertTrue(
          Main.USAGE.contains("  " + String.format("%-15s %s", o.command(), o.summary())),
          o + " is not listed in the usage:\n" + Main.USAGE);
    }
    assertEquals(
        List.of(
            "encode",
            "classify",
            "token-classify",
            "fill-mask",
            "colbert",
            "tokenize",
            "bench",
            "bench-long",
            "doctor"),
        commands);
  }

  @Test
  void eachOutputCommandPrintsItsOwnHelp() {
    for (Output o : Output.values()) {
      MainTest.Result r = MainTest.run(o.command(), "--help");
      assertEquals(Main.EXIT_OK, r.code(), o + ": " + r.err());
      assertEquals(Main.commandOf(o).usage(), r.out(), o.command());
      assertTrue(r.out().contains("modernbert " + o.command()), r.out());
    }
  }

  @Test
  void anUnknownCommandIsAUsageError() {
    MainTest.Result r = MainTest.run("embed");
    assertEquals(Main.EXIT_USAGE, r.code());
    assertTrue(r.err().startsWith("modernbert: error: unknown command \"embed\""), r.err());
    assertTrue(r.err().contains("  encode "), r.err());
  }

  @Test
  void outputsAreFoundByIdWithAClearError() {
    assertEquals(Output.TOKEN_CLASSIFY, Output.of("token-classify"));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> Output.of("encode"));
    assertEquals(
        "unknown output \"encode\"; the outputs are [embed, classify, token-classify, fill-mask,"
            + " colbert]",
        e.getMessage());
  }
}
