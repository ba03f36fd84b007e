package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertColBERT;

/**
 * {@code --task colbert}: {@link ModernBertColBERT} on a PyLate ColBERT folder; {@code --role query
 * | document} is required. The output column holds one vector per kept token.
 */
public final class ColbertTask extends StageTask<ModernBertColBERT> {
  public static final String NAME = "colbert";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertColBERT defaultStage() {
    return new ModernBertColBERT();
  }

  @Override
  ModernBertColBERT newStage(JobOptions o) {
    String role = o.get("role");
    if (role == null || role.isBlank()) {
      throw JobException.usage("--task colbert needs --role query or --role document");
    }
    return o.applyTo(new ModernBertColBERT());
  }
}
