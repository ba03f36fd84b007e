package dev.modernbert.jobs;

import dev.modernbert.encoder.task.Output;
import dev.modernbert.spark.ml.ModernBertEmbedder;

/**
 * {@code --task embed}: {@link ModernBertEmbedder}; adds {@code --pooling}, {@code --normalize},
 * {@code --prompt}, {@code --prompt-name}, {@code --truncate-dim}, {@code --output-type}, {@code
 * --precision} and the long-text options ({@code --long-text}, {@code --window-tokens}, {@code
 * --window-overlap}, {@code --chunk-tokens}, {@code --aggregate}).
 */
public final class EmbedTask extends StageTask<ModernBertEmbedder> {
  public static final String NAME = Output.EMBED.id();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  ModernBertEmbedder newStage(JobOptions o) {
    ModernBertEmbedder e =
        new ModernBertEmbedder()
            .setPooling(o.get("pooling"))
            .setNormalize(o.getBool("normalize"))
            .setPromptName(o.get("prompt-name"))
            .setTruncateDim(o.getInt("truncate-dim"))
            .setOutputType(o.get("output-type"))
            .setPrecision(o.get("precision"))
            .setLongText(o.get("long-text"))
            .setWindowTokens(o.getInt("window-tokens"))
            .setWindowOverlap(o.getInt("window-overlap"))
            .setChunkTokens(o.getInt("chunk-tokens"))
            .setAggregate(o.get("aggregate"));
    // Only a given prompt is set: an empty one means "no prompt", unlike none at all.
    return o.isSet("prompt") ? e.setPrompt(o.get("prompt")) : e;
  }
}
