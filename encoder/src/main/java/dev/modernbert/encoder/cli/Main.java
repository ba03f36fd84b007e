package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.bench.BenchCommand;
import dev.modernbert.encoder.bench.LongTextBench;
import dev.modernbert.encoder.task.Output;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code modernbert} command line ({@code bin/modernbert}): one command per {@link Output}
 * ({@code encode}, {@code classify}, {@code token-classify}, {@code fill-mask}, {@code colbert}),
 * then {@code tokenize}, {@code bench}, {@code bench-long} and {@code doctor}.
 *
 * <p>Exit codes: 0 success, 1 failure (model, device, I/O), 2 bad usage or bad input. Input is
 * validated in full before anything is computed, and output files appear only complete.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  /** A command's entry point: its arguments after the command name; the exit code. */
  @FunctionalInterface
  interface Run {
    int run(String[] args, PrintStream out, PrintStream err) throws Exception;
  }

  /**
   * A command: what {@code modernbert --help} says of it, the usage its {@code --help} prints (null
   * when it prints its own) and its entry point.
   */
  record Command(String summary, String usage, Run run) {}

  /**
   * The command that writes each output. The switch covers every {@link Output}, so an output added
   * to the registry does not compile until it has a command here.
   */
  static Command commandOf(Output o) {
    return switch (o) {
      case EMBED -> new Command(o.summary(), EncodeCommand.USAGE, EncodeCommand::run);
      case CLASSIFY -> new Command(o.summary(), ClassifyCommand.USAGE, ClassifyCommand::run);
      case TOKEN_CLASSIFY ->
          new Command(o.summary(), TokenClassifyCommand.USAGE, TokenClassifyCommand::run);
      case FILL_MASK -> new Command(o.summary(), FillMaskCommand.USAGE, FillMaskCommand::run);
      case COLBERT -> new Command(o.summary(), ColbertCommand.USAGE, ColbertCommand::run);
    };
  }

  /** Every command by name: one per output, then the tools. */
  static final Map<String, Command> COMMANDS = commands();

  private static Map<String, Command> commands() {
    Map<String, Command> c = new LinkedHashMap<>();
    for (Output o : Output.values()) {
      c.put(o.command(), commandOf(o));
    }
    c.put(
        TokenizeCommand.NAME,
        new Command(
            "token ids, token strings and character offsets per line (what encode feeds the model)",
            TokenizeCommand.USAGE,
            TokenizeCommand::run));
    c.put(
        "bench", new Command("the benchmark harness", null, (a, out, err) -> BenchCommand.run(a)));
    c.put(
        "bench-long",
        new Command(
            "the long-text benchmark (chunk, late and truncate modes)",
            null,
            (a, out, err) -> LongTextBench.run(a)));
    c.put(
        DoctorCommand.NAME,
        new Command(
            "what this node runs on and whether a device can be used (doctor --device cuda)",
            DoctorCommand.USAGE,
            DoctorCommand::run));
    return c;
  }

  static final String USAGE = usage();

  /** The usage text a command's {@code --help} prints (the general usage for an unknown one). */
  static String usage(String command) {
    Command c = COMMANDS.get(command);
    return c == null || c.usage() == null ? USAGE : c.usage();
  }

  private static String usage() {
    StringBuilder sb = new StringBuilder("Usage: modernbert <command> [options]\n\nCommands:\n");
    for (Map.Entry<String, Command> e : COMMANDS.entrySet()) {
      sb.append(String.format(Locale.ROOT, "  %-15s %s\n", e.getKey(), e.getValue().summary()));
    }
    return sb.append(
            """

            Run 'modernbert <command> --help' for a command's options.
            --model demo selects the bundled demo model (random weights, for trying things out).
            Exit codes: 0 success, 1 failure, 2 bad usage or bad input.
            """)
        .toString();
  }

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs one command; returns the exit code instead of exiting. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    if (args.length == 0) {
      err.print(USAGE);
      return EXIT_USAGE;
    }
    String command = args[0];
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    Command c = COMMANDS.get(command);
    try {
      if (List.of("-h", "--help", "help").contains(command)) {
        out.print(USAGE);
        return EXIT_OK;
      }
      if (c == null) {
        err.println("modernbert: error: unknown command \"" + command + "\"");
        err.print(USAGE);
        return EXIT_USAGE;
      }
      return c.run().run(rest, out, err);
    } catch (CliException e) {
      if (e.isHelp()) {
        out.print(usage(command));
        return EXIT_OK;
      }
      String prefix = "modernbert " + command + ": error: ";
      err.println(prefix + e.getMessage());
      if (e.usageOf() != null) {
        err.println("Run 'modernbert " + e.usageOf() + " --help' for usage.");
      }
      return e.exitCode();
    } catch (StackOverflowError e) {
      err.println(
          "modernbert "
              + command
              + ": internal error: stack overflow (a bug: please report it, with the input that"
              + " caused it; -Dmodernbert.debug=true prints the trace)");
      if (Boolean.getBoolean("modernbert.debug")) {
        e.printStackTrace(err);
      }
      return EXIT_FAILURE;
    } catch (Exception | LinkageError | OutOfMemoryError e) {
      err.println("modernbert " + command + ": error: " + describe(e));
      if (Boolean.getBoolean("modernbert.debug")) {
        e.printStackTrace(err);
      }
      return EXIT_FAILURE;
    }
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage();
    return msg == null || msg.isBlank() ? e.toString() : msg;
  }
}
