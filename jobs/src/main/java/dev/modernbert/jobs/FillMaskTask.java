package dev.modernbert.jobs;

import dev.modernbert.encoder.task.Output;
import dev.modernbert.spark.ml.ModernBertFillMask;

/**
 * {@code --task fill-mask}: {@link ModernBertFillMask} on an MLM checkpoint; adds {@code --top-k}.
 */
public final class FillMaskTask extends StageTask<ModernBertFillMask> {
  public static final String NAME = Output.FILL_MASK.id();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertFillMask newStage(JobOptions o) {
    return new ModernBertFillMask().setTopK(o.getInt("top-k"));
  }
}
