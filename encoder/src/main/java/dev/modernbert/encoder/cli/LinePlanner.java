package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.LoadedModel;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextTask;
import java.util.function.Function;

/**
 * How a row command plans its input lines, as Spark's runner plans rows ({@link TextTask#plan}):
 * every line becomes a {@link TextPlan}, which {@link RowJob} runs through {@code
 * ModernBertEncoder.runPlans}. A plan may have no sequences when the line needs no forward pass
 * (its combine then gives the value alone).
 *
 * @param text a {@code "text"} line's plan and the token ids it stands for
 * @param ids an {@code "input_ids"} line's (ids used as they are)
 * @param idsProblem why this command cannot take {@code input_ids} lines, or null when it can
 *     (checked for every line before anything runs)
 * @param <V> a line's value
 */
record LinePlanner<V>(
    Function<String, JsonlInput.Planned<V>> text,
    Function<int[], JsonlInput.Planned<V>> ids,
    String idsProblem) {

  /** Texts through {@code task}'s own plan, ids as one sequence without an argument. */
  static <A, V> LinePlanner<V> of(LoadedModel model, EncoderTask<A, V> task) {
    return new LinePlanner<>(
        text -> JsonlInput.Planned.of(task.plan(model, text)),
        ids -> JsonlInput.Planned.of(TextPlan.single(task, ids, false, null)),
        null);
  }

  /**
   * A task that cuts text into several sequences (e.g. {@code --long-text chunk}): it needs the
   * text of every line; {@code idsProblem} says why.
   */
  static <V> LinePlanner<V> textOnly(LoadedModel model, TextTask<V> task, String idsProblem) {
    return new LinePlanner<>(
        text -> JsonlInput.Planned.of(task.plan(model, text)),
        ids -> {
          throw new IllegalStateException("input_ids lines were refused: " + idsProblem);
        },
        idsProblem);
  }
}
