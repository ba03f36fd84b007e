package dev.modernbert.encoder.head;

import dev.modernbert.encoder.config.CheckpointException;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.weights.HeadKind;

/** Checks that a checkpoint carries the head a task needs, naming the head it has when not. */
public final class HeadRequirement {
  private HeadRequirement() {}

  /** HF's class name for a checkpoint with this head. */
  public static String architecture(HeadKind kind) {
    return switch (kind) {
      case NONE -> "ModernBertModel";
      case MASKED_LM -> "ModernBertForMaskedLM";
      case SEQUENCE_CLASSIFICATION -> "ModernBertForSequenceClassification";
      case TOKEN_CLASSIFICATION -> "ModernBertForTokenClassification";
    };
  }

  /** The problem in words, or null when {@code model} has the {@code kind} head. */
  public static String problem(ModernBertModel model, HeadKind kind, String task) {
    if (model.headKind() == kind) {
      return null;
    }
    return task
        + " needs a "
        + architecture(kind)
        + " checkpoint, but this one has "
        + model.describeHead();
  }

  public static void require(ModernBertModel model, HeadKind kind, String task) {
    String problem = problem(model, kind, task);
    if (problem != null) {
      throw new CheckpointException(problem);
    }
  }
}
