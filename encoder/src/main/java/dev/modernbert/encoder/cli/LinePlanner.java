package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.LoadedModel;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextTask;

/**
 * How a row command plans its input lines, as Spark's runner plans rows ({@link TextTask#plan}):
 * every line becomes a {@link TextPlan}, which {@link RowJob} runs through {@code
 * ModernBertEncoder.runPlans}. A plan may have no sequences when the line needs no forward pass
 * (its combine then gives the value alone).
 *
 * @param <V> a line's value
 */
interface LinePlanner<V> {

  /** A {@code "text"} line: its plan and the token ids it stands for. */
  JsonlInput.Planned<V> text(String text);

  /** An {@code "input_ids"} line (ids used as they are). */
  JsonlInput.Planned<V> ids(int[] ids);

  /**
   * Why this command cannot take {@code input_ids} lines, or null when it can (checked for every
   * line before anything runs).
   */
  default String idsProblem() {
    return null;
  }

  /** Texts through {@code task}'s own plan, ids as one sequence without an argument. */
  static <A, V> LinePlanner<V> of(LoadedModel model, EncoderTask<A, V> task) {
    return new LinePlanner<>() {
      @Override
      public JsonlInput.Planned<V> text(String text) {
        return JsonlInput.Planned.of(task.plan(model, text));
      }

      @Override
      public JsonlInput.Planned<V> ids(int[] ids) {
        return JsonlInput.Planned.of(TextPlan.single(task, ids, false, null));
      }
    };
  }

  /**
   * A task that cuts text into several sequences (e.g. {@code --long-text chunk}): it needs the
   * text of every line; {@code idsProblem} says why.
   */
  static <V> LinePlanner<V> textOnly(LoadedModel model, TextTask<V> task, String idsProblem) {
    return new LinePlanner<>() {
      @Override
      public JsonlInput.Planned<V> text(String text) {
        return JsonlInput.Planned.of(task.plan(model, text));
      }

      @Override
      public JsonlInput.Planned<V> ids(int[] ids) {
        throw new IllegalStateException("input_ids lines were refused: " + idsProblem);
      }

      @Override
      public String idsProblem() {
        return idsProblem;
      }
    };
  }
}
