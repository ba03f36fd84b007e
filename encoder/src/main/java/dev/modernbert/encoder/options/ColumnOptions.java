package dev.modernbert.encoder.options;

import java.util.List;

/**
 * The Spark stages' columns and row policy (the job sets them through its flags; the CLI has no
 * columns). A stage specialises {@link #OUTPUT_COL}'s default with {@link Option#withDefault}.
 */
public final class ColumnOptions {
  private ColumnOptions() {}

  public static final Option<String> INPUT_COL =
      Option.column("inputCol", "input column holding the text (string)", "text")
          .withFlag("--text-col");

  public static final Option<String> OUTPUT_COL =
      Option.column(
          "outputCol",
          "main output column; default per stage: embedding (embed), label (classify), entities"
              + " (token-classify), predictions (fill-mask), embeddings (colbert)",
          null);

  public static final Option<String> ON_ERROR =
      Option.choice(
          "onError",
          "fail | null: fail fails the task naming the row; null outputs null (and the reason in"
              + " {errorCol} when set)",
          "fail",
          List.of("fail", "null"));

  public static final Option<String> ERROR_COL =
      Option.column(
          "errorCol", "optional output column (string) with the reason a row failed", null);

  public static final Option<String> OUTPUT_TYPE =
      Option.choice(
          "outputType",
          "array (array<float>) | vector (ML VectorUDT): the type of the vector columns",
          "array",
          List.of("array", "vector"));

  public static final Option<String> PROBABILITY_COL =
      Option.column(
          "probabilityCol",
          "output column of per-label scores: softmax probabilities (single-label),"
              + " sigmoids (multi-label) or the raw value (regression)",
          "probability");

  public static final Option<String> RAW_PREDICTION_COL =
      Option.column(
          "rawPredictionCol",
          "optional output column of the classifier's raw logits (unset: not output)",
          null);

  /** Every option of this catalog, in reference order. */
  public static final List<Option<?>> ALL =
      List.of(
          INPUT_COL,
          OUTPUT_COL,
          ON_ERROR,
          ERROR_COL,
          OUTPUT_TYPE,
          PROBABILITY_COL,
          RAW_PREDICTION_COL);
}
