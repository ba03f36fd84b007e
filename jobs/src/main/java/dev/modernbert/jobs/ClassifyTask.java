package dev.modernbert.jobs;

import dev.modernbert.encoder.task.Output;
import dev.modernbert.spark.ml.ModernBertClassifier;

/**
 * {@code --task classify}: {@link ModernBertClassifier} on a sequence-classification checkpoint;
 * adds {@code --probability-col}, {@code --raw-prediction-col} (the logits, off by default) and
 * {@code --output-type}.
 */
public final class ClassifyTask extends StageTask<ModernBertClassifier> {
  public static final String NAME = Output.CLASSIFY.id();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertClassifier newStage(JobOptions o) {
    ModernBertClassifier c =
        new ModernBertClassifier()
            .setProbabilityCol(o.require("probability-col"))
            .setOutputType(o.get("output-type"));
    String raw = o.get("raw-prediction-col");
    return raw == null || raw.isBlank() ? c : c.setRawPredictionCol(raw);
  }
}
