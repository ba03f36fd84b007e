package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertClassifier;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --task classify}: {@link ModernBertClassifier} on a sequence-classification checkpoint;
 * adds {@code --probability-col}, {@code --raw-prediction-col} (the logits, off by default) and
 * {@code --output-type}.
 */
public final class ClassifyTask extends StageTask<ModernBertClassifier> {
  public static final String NAME = "classify";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertClassifier defaultStage() {
    return new ModernBertClassifier();
  }

  @Override
  ModernBertClassifier newStage(JobOptions o) {
    return o.applyTo(new ModernBertClassifier());
  }

  @Override
  List<String> taskColumns(JobOptions o) {
    List<String> cols = new ArrayList<>(List.of(outputCol(o), o.get("probability-col")));
    String raw = o.get("raw-prediction-col");
    if (raw != null && !raw.isBlank()) {
      cols.add(raw);
    }
    return cols;
  }
}
