package dev.modernbert.spark.ml;

import dev.modernbert.encoder.task.Output;

/**
 * The Spark side of the registry of outputs ({@link Output}): the stage that computes each one. The
 * job's {@code --task} values and the SQL functions ({@code ModernBertUdfs.register}) are built
 * from it, so a new output is one task, one stage and one line here.
 */
public final class ModernBertStages {
  private ModernBertStages() {}

  /**
   * A new stage with its defaults for {@code output}. The switch covers every {@link Output}: an
   * output added to the registry does not compile until it has a stage here.
   */
  public static ModernBertStage<?> create(Output output) {
    return switch (output) {
      case EMBED -> new ModernBertEmbedder();
      case CLASSIFY -> new ModernBertClassifier();
      case TOKEN_CLASSIFY -> new ModernBertTokenClassifier();
      case FILL_MASK -> new ModernBertFillMask();
      case COLBERT -> new ModernBertColBERT();
    };
  }
}
