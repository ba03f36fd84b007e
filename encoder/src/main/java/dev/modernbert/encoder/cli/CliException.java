package dev.modernbert.encoder.cli;

/** A failure the command line reports in words, with the process exit code it ends with. */
final class CliException extends RuntimeException {
  private final int exitCode;
  private final String command;

  private CliException(int exitCode, String command, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
    this.command = command;
  }

  /** Unknown or missing flag, bad flag value: exit 2, with a pointer to {@code --help}. */
  static CliException usage(String command, String message) {
    return new CliException(Main.EXIT_USAGE, command, message, null);
  }

  /** Bad input file contents: exit 2. */
  static CliException input(String message) {
    return new CliException(Main.EXIT_USAGE, null, message, null);
  }

  /** {@code -h} or {@code --help} in a flag's position: the command's usage, exit 0. */
  static CliException help(String command) {
    return new CliException(Main.EXIT_OK, command, "help", null);
  }

  /** Whether this is a help request, not an error. */
  boolean isHelp() {
    return exitCode == Main.EXIT_OK;
  }

  /** Anything else (model, device, I/O): exit 1. */
  static CliException failure(String message, Throwable cause) {
    return new CliException(Main.EXIT_FAILURE, null, message, cause);
  }

  int exitCode() {
    return exitCode;
  }

  /** The sub-command whose usage to point at, or null when the problem is not about flags. */
  String usageOf() {
    return command;
  }
}
