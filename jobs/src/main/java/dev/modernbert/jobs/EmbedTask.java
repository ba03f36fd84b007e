package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertEmbedder;

/**
 * {@code --task embed}: {@link ModernBertEmbedder}; adds {@code --pooling}, {@code --normalize},
 * {@code --prompt}, {@code --prompt-name}, {@code --truncate-dim} and {@code --output-type}.
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
    ModernBertEmbedder e =
        new ModernBertEmbedder()
            .setPooling(o.get("pooling"))
            .setNormalize(o.getBool("normalize"))
            .setPromptName(o.get("prompt-name"))
            .setTruncateDim(o.getInt("truncate-dim"))
            .setOutputType(o.get("output-type"));
    // Only a given prompt is set: an empty one means "no prompt", unlike none at all.
    return o.isSet("prompt") ? e.setPrompt(o.get("prompt")) : e;
  }
}
