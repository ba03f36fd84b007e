package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --task embed}: {@link ModernBertEmbedder}; adds {@code --pooling}, {@code --normalize},
 * {@code --prompt}, {@code --prompt-name}, {@code --truncate-dim}, {@code --output-type}, {@code
 * --precision} and the long-text options ({@code --long-text}, {@code --window-tokens}, {@code
 * --window-overlap}, {@code --chunk-tokens}, {@code --aggregate}).
 */
public final class EmbedTask extends StageTask<ModernBertEmbedder> {
  public static final String NAME = "embed";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertEmbedder defaultStage() {
    return new ModernBertEmbedder();
  }

  /** The embedding, after the chunk columns when each chunk is a row of its own. */
  @Override
  List<String> taskColumns(JobOptions o) {
    if (!newStage(o).explodes()) {
      return super.taskColumns(o);
    }
    List<String> cols = new ArrayList<>(ModernBertEmbedder.CHUNK_COLUMNS);
    cols.add(outputCol(o));
    return cols;
  }

  @Override
  ModernBertEmbedder newStage(JobOptions o) {
    return o.applyTo(new ModernBertEmbedder());
  }
}
