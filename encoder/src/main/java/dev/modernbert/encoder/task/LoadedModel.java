package dev.modernbert.encoder.task;

import dev.modernbert.encoder.colbert.ColbertCheckpoint;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.pipeline.EmbeddingPipeline;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;

/**
 * What a task sees of a loaded checkpoint (the encoder implements it): the model, its head and
 * config, its tokenizer, and the checkpoint's own modules (the embedding pipeline, ColBERT's), each
 * read once per loaded model.
 */
public interface LoadedModel {
  Path modelDir();

  ModernBertConfig config();

  HeadKind headKind();

  ModernBertModel model();

  boolean hasTokenizer();

  /** The tokenizer; throws when the checkpoint has none ({@link #hasTokenizer}). */
  TextTokenizer tokenizer();

  /**
   * The checkpoint's sentence-transformers pipeline (read once, when first asked for): its {@code
   * modules.json} when present, else its {@code 1_Pooling/config.json} or CLS.
   *
   * @throws dev.modernbert.encoder.checkpoint.CheckpointException when the folder's files are bad
   */
  EmbeddingPipeline pipeline();

  /**
   * The checkpoint's PyLate ColBERT modules (read once, when first asked for, and kept with the
   * model like {@link #pipeline}).
   *
   * @throws dev.modernbert.encoder.checkpoint.CheckpointException when the folder is not a PyLate
   *     folder or its files are bad
   */
  ColbertCheckpoint colbert();
}
