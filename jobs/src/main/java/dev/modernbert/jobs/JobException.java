package dev.modernbert.jobs;

import java.util.LinkedHashSet;

/** A problem found before or while running a job, with the exit code the job ends with. */
public final class JobException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Bad usage, bad options, bad input or output location: nothing was written. */
  public static final int USAGE = 2;

  /** The job failed while running (Spark, model, I/O). */
  public static final int FAILURE = 1;

  /** The job ran but rows out != rows in. */
  public static final int ROW_MISMATCH = 3;

  private final int exitCode;

  public JobException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public JobException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public static JobException usage(String message) {
    return new JobException(USAGE, message);
  }

  public int exitCode() {
    return exitCode;
  }

  /** The messages of an exception and its causes, without repeats, shortened. */
  static String describe(Throwable t) {
    LinkedHashSet<String> parts = new LinkedHashSet<>();
    for (Throwable c = t; c != null && parts.size() < 6; c = c.getCause()) {
      String msg = c.getMessage();
      if (msg == null) {
        msg = c.getClass().getName();
      }
      msg = msg.strip();
      int nl = msg.indexOf("\n\tat ");
      if (nl > 0) {
        msg = msg.substring(0, nl);
      }
      if (msg.length() > 600) {
        msg = msg.substring(0, 600) + "...";
      }
      parts.add(c.getClass().getSimpleName() + ": " + msg);
      if (c.getCause() == c) {
        break;
      }
    }
    return String.join(" | caused by ", parts);
  }
}
