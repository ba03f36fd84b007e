package dev.modernbert.encoder.task;

import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;

/**
 * What a task sees of a loaded checkpoint (the encoder implements it): the model, its head and
 * config, its tokenizer, and the checkpoint's own pooling.
 */
public interface LoadedModel {
  Path modelDir();

  ModernBertConfig config();

  HeadKind headKind();

  ModernBertModel model();

  boolean hasTokenizer();

  /** The tokenizer; throws when the checkpoint has none ({@link #hasTokenizer}). */
  TextTokenizer tokenizer();

  /** {@code pooling}, with {@code AUTO} resolved to the checkpoint's own. */
  Pooling resolve(Pooling pooling);
}
