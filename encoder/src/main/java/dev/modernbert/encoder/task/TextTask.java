package dev.modernbert.encoder.task;

import dev.modernbert.encoder.weights.HeadKind;
import java.io.Serializable;

/**
 * What a stage or SQL function computes per text. Every {@link EncoderTask} is one (a text is one
 * sequence); tasks over long texts plan several sequences per text and combine their values.
 *
 * @param <V> what each text gets back
 */
public interface TextTask<V> extends Serializable {
  /** The task in words, for messages ({@code embed}, {@code classify}, ...). */
  String name();

  /** The task head the checkpoint must carry, or null when any checkpoint will do. */
  default HeadKind requiredHead() {
    return null;
  }

  /** Why {@code model} cannot run this task, or null when it can. */
  String problemWith(LoadedModel model);

  /** The sequences of one text and how their values combine (may throw for a bad text). */
  TextPlan<?, ?, V> plan(LoadedModel model, String text);
}
