package dev.modernbert.encoder.task;

import dev.modernbert.encoder.pool.Pooling;
import java.util.List;

/**
 * A pooled (optionally L2-normalised) embedding per sequence. Any checkpoint embeds: a classifier
 * or MLM checkpoint embeds with its encoder, and its task head is not used.
 *
 * @param pooling {@code AUTO} is the checkpoint's sentence-transformers pooling, else CLS
 */
public record Embed(Pooling pooling, boolean normalize) implements EncoderTask<Void, float[]> {
  @Override
  public String name() {
    return "embed";
  }

  @Override
  public String problemWith(LoadedModel model) {
    try {
      model.resolve(pooling);
      return null;
    } catch (RuntimeException e) {
      return e.getMessage();
    }
  }

  @Override
  public List<float[]> read(TaskBatch<Void> batch) {
    return TaskBatch.rows(batch.pooled(pooling, normalize));
  }
}
