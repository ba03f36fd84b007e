package dev.modernbert.encoder.flags;

/**
 * A command line {@link FlagParser} refused: which {@link Problem}, and the flag (or stray
 * argument) it is about. The message is the encoder CLI's wording ({@code unknown flag --x}, {@code
 * --x needs a value} ...); a caller with other words builds its own from {@link #problem()}, {@link
 * #argument()} and {@link #flag()}.
 */
public final class FlagException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** What is wrong with the command line. */
  public enum Problem {
    /** An argument that is not a flag ({@code stray}, {@code -x}, {@code --}). */
    UNEXPECTED_ARGUMENT,
    /** A flag the command does not know. */
    UNKNOWN_FLAG,
    /** A flag that takes a value came last or was followed by another flag. */
    NEEDS_VALUE,
    /** {@code --switch=value} for a switch that takes none. */
    TAKES_NO_VALUE,
    /** The same flag twice, where the parser refuses repeats. */
    GIVEN_TWICE
  }

  private final Problem problem;
  private final String argument;
  private final transient FlagParser.Flag flag;

  FlagException(Problem problem, String argument, FlagParser.Flag flag) {
    super(describe(problem, argument));
    this.problem = problem;
    this.argument = argument;
    this.flag = flag;
  }

  private static String describe(Problem problem, String argument) {
    return switch (problem) {
      case UNEXPECTED_ARGUMENT -> "unexpected argument \"" + argument + "\"";
      case UNKNOWN_FLAG -> "unknown flag " + argument;
      case NEEDS_VALUE -> argument + " needs a value";
      case TAKES_NO_VALUE -> argument + " takes no value";
      case GIVEN_TWICE -> argument + " is given twice";
    };
  }

  public Problem problem() {
    return problem;
  }

  /**
   * The flag's name as typed, without any {@code =value} ({@code --bogus}), or the whole argument
   * for {@link Problem#UNEXPECTED_ARGUMENT}.
   */
  public String argument() {
    return argument;
  }

  /** The known flag the problem is about; null for an unknown flag or a stray argument. */
  public FlagParser.Flag flag() {
    return flag;
  }
}
