package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.List;

/**
 * What turns a checkpoint's {@code last_hidden_state} into sentence embeddings, as its
 * sentence-transformers folder defines it: Pooling, then the modules after it (Dense, Normalize),
 * plus the prompts and whether text is lower-cased first. A folder without {@code modules.json}
 * gets its {@code 1_Pooling/config.json} or CLS, and nothing after.
 *
 * @param lowerCase {@code do_lower_case} of {@code sentence_bert_config.json}
 */
public record EmbeddingPipeline(
    PoolingModule pooling, List<VectorModule> afterPooling, Prompts prompts, boolean lowerCase) {

  public EmbeddingPipeline {
    afterPooling = List.copyOf(afterPooling);
  }

  /** This pipeline with {@code mode} in place of its Pooling modes ({@code AUTO}: unchanged). */
  public EmbeddingPipeline withPooling(Pooling mode) {
    return mode == Pooling.AUTO
        ? this
        : new EmbeddingPipeline(pooling.withMode(mode), afterPooling, prompts, lowerCase);
  }

  /**
   * The embedding width for token vectors of width {@code hidden}; throws when the modules do not
   * fit together (Pooling's dimension vs the model, a Dense's {@code in_features} vs what precedes
   * it).
   */
  public int outputDim(int hidden) {
    if (pooling.dimension() != 0 && pooling.dimension() != hidden) {
      throw new CheckpointException(
          "the Pooling module's embedding_dimension is "
              + pooling.dimension()
              + " but the model's hidden_size is "
              + hidden);
    }
    int dim = pooling.outputDim(hidden);
    for (VectorModule m : afterPooling) {
      if (m instanceof DenseModule d && d.inFeatures() != dim) {
        throw new CheckpointException(
            d.describe()
                + " takes "
                + d.inFeatures()
                + " values but receives "
                + dim
                + " (Pooling "
                + pooling.describe()
                + " over hidden_size "
                + hidden
                + (afterPooling.indexOf(m) > 0 ? " and the modules before it" : "")
                + ")");
      }
      dim = m.outputDim(dim);
    }
    return dim;
  }

  /** The modules after Pooling applied to {@code [n, pooled]} vectors (any n vectors). */
  public NDArray applyAfterPooling(NDArray pooled) {
    NDArray x = pooled;
    for (VectorModule m : afterPooling) {
      x = m.apply(x);
    }
    return x;
  }

  /** Whether the pipeline ends in (or contains) Normalize. */
  public boolean normalizes() {
    return afterPooling.stream().anyMatch(m -> m instanceof NormalizeModule);
  }

  /** The pipeline in words: {@code Pooling(mean) -> Normalize}. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    parts.add("Pooling(" + pooling.describe() + ")");
    afterPooling.forEach(m -> parts.add(m.describe()));
    return String.join(" -> ", parts);
  }
}
