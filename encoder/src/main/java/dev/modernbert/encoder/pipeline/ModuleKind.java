package dev.modernbert.encoder.pipeline;

import dev.modernbert.encoder.checkpoint.CheckpointException;

/**
 * The module types of {@code modules.json} this encoder runs. Both spellings load: classic {@code
 * sentence_transformers.models.Pooling} and 5.x {@code
 * sentence_transformers.sentence_transformer.modules.pooling.Pooling}; the last component decides.
 */
enum ModuleKind {
  TRANSFORMER,
  POOLING,
  DENSE,
  NORMALIZE;

  static ModuleKind of(String type, String where) {
    String simple = type.substring(type.lastIndexOf('.') + 1);
    switch (simple) {
      case "Transformer":
        return TRANSFORMER;
      case "Pooling":
        return POOLING;
      case "Dense":
        return DENSE;
      case "Normalize":
        return NORMALIZE;
      default:
        throw new CheckpointException(
            where
                + ": unknown module type \""
                + type
                + "\"; this encoder runs Transformer, Pooling, Dense and Normalize modules");
    }
  }
}
