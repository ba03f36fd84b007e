package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertTokenClassifier;

/**
 * {@code --task token-classify}: {@link ModernBertTokenClassifier} on a token-classification
 * checkpoint; the output column holds the entity spans.
 */
public final class TokenClassifyTask extends StageTask<ModernBertTokenClassifier> {
  public static final String NAME = "token-classify";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertTokenClassifier defaultStage() {
    return new ModernBertTokenClassifier();
  }

  @Override
  ModernBertTokenClassifier newStage(JobOptions o) {
    return o.applyTo(new ModernBertTokenClassifier());
  }
}
