package dev.modernbert.encoder.task;

import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One text's work, made where the text is tokenized: the sequences to run through one encoder task
 * (with their arguments), and how their values become the text's value. An ordinary task plans one
 * sequence per text; a long-text task plans one per window and combines them.
 *
 * @param task what runs on each sequence
 * @param ids the sequences, each a model input (special tokens included)
 * @param args one argument per sequence (nulls for tasks without arguments)
 * @param truncated whether tokens of the text were dropped
 * @param chunks how many chunks the text was cut into (0 when it was not cut)
 * @param combine the sequences' values, in order, to the text's value (called once, on the thread
 *     that runs the model: it may use libtorch, as late chunking's span work does)
 */
public record TextPlan<A, W, V>(
    EncoderTask<A, W> task,
    List<int[]> ids,
    List<A> args,
    boolean truncated,
    int chunks,
    Function<List<W>, V> combine) {

  public TextPlan {
    if (ids.size() != args.size()) {
      throw new IllegalArgumentException(args.size() + " arguments for " + ids.size() + " ids");
    }
  }

  /** The plan of a task that reads one sequence per text. */
  public static <A, V> TextPlan<A, V, V> single(EncoderTask<A, V> task, TokenizedText t, A arg) {
    return single(task, t.ids(), t.truncated(), arg);
  }

  /** One sequence, e.g. ids given as they are ({@code input_ids}: nothing truncated, no text). */
  public static <A, V> TextPlan<A, V, V> single(
      EncoderTask<A, V> task, int[] ids, boolean truncated, A arg) {
    List<A> args = new ArrayList<>(1);
    args.add(arg);
    return new TextPlan<>(task, List.of(ids), args, truncated, 0, values -> values.get(0));
  }

  /**
   * A text that needs no forward pass (e.g. no mask to fill): no sequences, and {@code value} as
   * its value. {@code task} is the one its group runs (nothing, for this plan).
   */
  public static <A, W, V> TextPlan<A, W, V> noSequences(
      EncoderTask<A, W> task, boolean truncated, V value) {
    return new TextPlan<>(task, List.of(), List.of(), truncated, 0, none -> value);
  }

  public V combine(List<W> values) {
    return combine.apply(values);
  }
}
