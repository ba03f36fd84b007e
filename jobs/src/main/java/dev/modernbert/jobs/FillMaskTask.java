package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertFillMask;

/**
 * {@code --task fill-mask}: {@link ModernBertFillMask} on an MLM checkpoint; adds {@code --top-k}.
 */
public final class FillMaskTask extends StageTask<ModernBertFillMask> {
  public static final String NAME = "fill-mask";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertFillMask defaultStage() {
    return new ModernBertFillMask();
  }

  @Override
  ModernBertFillMask newStage(JobOptions o) {
    return o.applyTo(new ModernBertFillMask());
  }
}
