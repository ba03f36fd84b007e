package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.bench.BenchCommand;
import dev.modernbert.encoder.bench.LongTextBench;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * The {@code modernbert} command line ({@code bin/modernbert}): {@code encode}, {@code fill-mask},
 * {@code classify}, {@code token-classify}, {@code tokenize}, {@code colbert}, {@code bench} and
 * {@code doctor}.
 *
 * <p>Exit codes: 0 success, 1 failure (model, device, I/O), 2 bad usage or bad input. Input is
 * validated in full before anything is computed, and output files appear only complete.
 */
public final class Main {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_USAGE = 2;

  static final String USAGE =
      """
      Usage: modernbert <command> [options]

      Commands:
        encode      embeddings (or last_hidden_state) for every line of a JSON Lines file
        fill-mask   top-k predictions for every [MASK] token
        classify    label, score and logits per line (sequence-classification checkpoints)
        token-classify
                    labels and logits per token, and entities for text (token-classification
                    checkpoints)
        tokenize    token ids, token strings and character offsets per line (what encode
                    feeds the model)
        colbert     ColBERT token vectors of queries or documents (PyLate checkpoints)
        bench       the benchmark harness
        doctor      what this node runs on (Java, CPU, libtorch, JNI, CUDA, GPUs) and whether
                    a device can be used: doctor --device cuda checks a GPU node

      Run 'modernbert <command> --help' for a command's options.
      --model demo selects the bundled demo model (random weights, for trying things out).
      Exit codes: 0 success, 1 failure, 2 bad usage or bad input.
      """;

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
    try {
      switch (command) {
        case "-h", "--help", "help" -> {
          out.print(USAGE);
          return EXIT_OK;
        }
        case EncodeCommand.NAME -> {
          return EncodeCommand.run(rest, out, err);
        }
        case FillMaskCommand.NAME -> {
          return FillMaskCommand.run(rest, out, err);
        }
        case ClassifyCommand.NAME -> {
          return ClassifyCommand.run(rest, out, err);
        }
        case TokenClassifyCommand.NAME -> {
          return TokenClassifyCommand.run(rest, out, err);
        }
        case TokenizeCommand.NAME -> {
          return TokenizeCommand.run(rest, out, err);
        }
        case ColbertCommand.NAME -> {
          return ColbertCommand.run(rest, out, err);
        }
        case DoctorCommand.NAME -> {
          return DoctorCommand.run(rest, out, err);
        }
        case "bench" -> {
          return BenchCommand.run(rest);
        }
        case "bench-long" -> {
          return LongTextBench.run(rest);
        }
        default -> {
          err.println("modernbert: error: unknown command \"" + command + "\"");
          err.print(USAGE);
          return EXIT_USAGE;
        }
      }
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

  /** The usage text of a row command (whose flags asked for help). */
  static String usage(String command) {
    return switch (command) {
      case EncodeCommand.NAME -> EncodeCommand.USAGE;
      case FillMaskCommand.NAME -> FillMaskCommand.USAGE;
      case ClassifyCommand.NAME -> ClassifyCommand.USAGE;
      case TokenClassifyCommand.NAME -> TokenClassifyCommand.USAGE;
      case TokenizeCommand.NAME -> TokenizeCommand.USAGE;
      case ColbertCommand.NAME -> ColbertCommand.USAGE;
      case DoctorCommand.NAME -> DoctorCommand.USAGE;
      default -> USAGE;
    };
  }

  private static String describe(Throwable e) {
    String msg = e.getMessage();
    return msg == null || msg.isBlank() ? e.toString() : msg;
  }
}
