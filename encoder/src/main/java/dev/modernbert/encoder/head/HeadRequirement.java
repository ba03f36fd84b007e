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

  /** The head in words, e.g. "a masked-language-model head (ModernBertForMaskedLM)". */
  public static String describe(HeadKind kind) {
    return switch (kind) {
      case NONE -> "no task head (a bare ModernBertModel)";
      case MASKED_LM -> "a masked-language-model head (ModernBertForMaskedLM)";
      case SEQUENCE_CLASSIFICATION ->
          "a sequence-classification head (ModernBertForSequenceClassification)";
      case TOKEN_CLASSIFICATION -> "a token-classification head (ModernBertForTokenClassification)";
    };
  }

  /** The problem in words, or null when {@code model} has the {@code kind} head. */
  public static String problem(ModernBertModel model, HeadKind kind, String task) {
    return problem(model.headKind(), kind, task);
  }

  /** The problem in words, or null when a checkpoint with head {@code has} is a {@code kind}. */
  public static String problem(HeadKind has, HeadKind kind, String task) {
    if (has == kind) {
      return null;
    }
    return task
        + " needs a "
        + architecture(kind)
        + " checkpoint, but this one has "
        + describe(has);
  }

  public static void require(ModernBertModel model, HeadKind kind, String task) {
    String problem = problem(model, kind, task);
    if (problem != null) {
      throw new CheckpointException(problem);
    }
  }
}
