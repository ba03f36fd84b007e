package dev.modernbert.encoder.task;

import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.Serializable;
import java.util.List;

/**
 * One kind of output the encoder computes from {@code last_hidden_state}: a pooled embedding,
 * classifier results, masked-LM predictions, ... A task is a small value (a record): equal tasks
 * over the same model give equal outputs, so requests for equal tasks may share batches. Run tasks
 * through {@code ModernBertEncoder.run}; adding an output means adding one implementation.
 *
 * @param <A> what each sequence brings besides its ids (e.g. mask positions, or its text for
 *     entities); {@code Void} when nothing
 * @param <V> what each sequence gets back: plain Java values, never tensors
 */
public interface EncoderTask<A, V> extends TextTask<V>, Serializable {

  @Override
  default HeadKind requiredHead() {
    return null;
  }

  /**
   * Why {@code model} cannot run this task, or null when it can. The default checks {@link
   * #requiredHead}; tasks that need more (a mask token, a readable pooling config) add to it.
   */
  @Override
  default String problemWith(LoadedModel model) {
    return requiredHead() == null ? null : requiredHead().problemFor(model.headKind(), name());
  }

  /**
   * How a text becomes this task's token ids: the checkpoint's tokenizer by default. Tasks that
   * build their sequences differently (a prompt before the text, a prefix token, query expansion)
   * override it; every caller that turns text into ids (Spark runners, CLI) goes through here.
   */
  default TokenizedText tokenize(LoadedModel model, String text) {
    return model.tokenizer().encode(text);
  }

  /** One sequence per text: {@link #tokenize}, then {@link #argument}. */
  @Override
  default TextPlan<A, V, V> plan(LoadedModel model, String text) {
    TokenizedText t = tokenize(model, text);
    return TextPlan.single(this, t, argument(t, text));
  }

  /** A sequence's argument, from its tokenized text; null for tasks that take none. */
  default A argument(TokenizedText tokens, String text) {
    return null;
  }

  /**
   * Reads one batch's outputs, one value per sequence in batch order (called on the thread that
   * runs the model; tensors must not escape).
   */
  List<V> read(TaskBatch<A> batch);
}
