package dev.modernbert.spark.executor;

import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.Serializable;

/**
 * The task side of one kind of output (an embedding, a classification, entities, fill-mask
 * predictions): a small serializable strategy shipped with each task. {@link TextRunner} does the
 * common work (model acquisition, tokenization, id checks, the runner, error policy, metrics); the
 * head only says what the runner computes and how a row's runner value becomes its result.
 *
 * @param <R> a row's result (for example {@code float[]} or a {@code SequenceClassification})
 */
public interface RowHead<R> extends Serializable {
  /** The task in words, for messages ("embed", "classify", ...). */
  String task();

  /** The checkpoint head this needs, or null when any checkpoint will do. */
  HeadKind requiredHead();

  /**
   * Binds to a loaded model, once per task. Throws (naming the head the checkpoint has) when the
   * model cannot do this task.
   */
  Bound<R> bind(SharedModel model);

  /** A head bound to a model. */
  interface Bound<R> {
    /** What the runner computes for this head. */
    DeviceHead<?, ?> device();

    /** The runner argument of a row (e.g. its mask positions); null when the head takes none. */
    default Object argument(TokenizedText tokens) {
      return null;
    }

    /** A row's result from its runner value, its tokens and its text. */
    R result(Object deviceValue, TokenizedText tokens, String text);
  }

  /** The common check of {@link #bind}: throws when the model lacks {@link #requiredHead}. */
  static void requireHead(SharedModel model, HeadKind kind, String task) {
    dev.modernbert.encoder.head.HeadRequirement.require(model.encoder().model(), kind, task);
  }
}
