package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertEmbedder;

/**
 * {@code --task embed}: {@link ModernBertEmbedder}; adds {@code --pooling}, {@code --normalize},
 * {@code --output-type} and {@code --precision}.
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

  @Override
  ModernBertEmbedder newStage(JobOptions o) {
    return new ModernBertEmbedder()
        .setPooling(o.get("pooling"))
        .setNormalize(o.getBool("normalize"))
        .setOutputType(o.get("output-type"))
        .setPrecision(o.get("precision"));
  }
}
