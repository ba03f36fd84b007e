package dev.modernbert.spark.executor;

import dev.modernbert.encoder.task.Outcome;
import java.io.Serializable;
import java.util.function.Supplier;

/**
 * The {@code onError} policy of every stage and UDF, and its one message: under {@code fail} a
 * failed row stops the task, naming the row and the fix; under {@code null} it gives null.
 *
 * @param who the stage or function name, first word of the message
 * @param task what could not be done ({@code embed}, {@code classify}, ...)
 * @param failOnError {@code onError=fail}
 * @param remedy how to keep such rows instead
 */
public record RowPolicy(String who, String task, boolean failOnError, String remedy)
    implements Serializable {

  /** The policy of a Transformer stage. */
  public static RowPolicy forStage(String stage, String task, boolean failOnError) {
    return new RowPolicy(
        stage, task, failOnError, "Set onError=null (and errorCol) to keep such rows as null.");
  }

  /** The policy of a SQL function. */
  public static RowPolicy forFunction(String name, String task, boolean failOnError) {
    return new RowPolicy(
        name, task, failOnError, "Register with onError=null to get null instead.");
  }

  /**
   * A row's value, or null when it failed under {@code onError=null}.
   *
   * @param where the row in words ("row 3 of partition 0 (column text)", "the text"), made only for
   *     a message
   * @throws RowFailureException when it failed under {@code onError=fail}
   */
  public <V> V valueOf(Outcome<V> outcome, Supplier<String> where) {
    if (outcome.failed() && failOnError) {
      throw new RowFailureException(
          who + ": cannot " + task + " " + where.get() + ": " + outcome.error() + ". " + remedy);
    }
    return outcome.value();
  }

  /** A row that cannot be processed under {@code onError=fail}. */
  public static final class RowFailureException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    RowFailureException(String message) {
      super(message);
    }
  }
}
