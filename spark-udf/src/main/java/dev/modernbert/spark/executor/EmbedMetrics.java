package dev.modernbert.spark.executor;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Named accumulators (visible in the Spark UI under each stage, and readable on the driver after an
 * action). Registered on the driver by {@code transform()} or {@code register()}, filled by the
 * tasks. Like every Spark accumulator updated inside a transformation, a re-computed partition
 * counts again.
 */
public final class EmbedMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String PREFIX = "modernbert.";

  public final LongAccumulator rows;
  public final LongAccumulator nullRows;
  public final LongAccumulator truncatedRows;
  public final LongAccumulator errorRows;
  public final LongAccumulator realTokens;
  public final LongAccumulator paddedTokens;
  public final LongAccumulator batches;
  public final LongAccumulator modelLoads;
  public final DoubleAccumulator modelLoadMs;
  public final DoubleAccumulator inferenceMs;

  private EmbedMetrics(SparkContext sc) {
    rows = sc.longAccumulator(PREFIX + "rows");
    nullRows = sc.longAccumulator(PREFIX + "nullRows");
    truncatedRows = sc.longAccumulator(PREFIX + "truncatedRows");
    errorRows = sc.longAccumulator(PREFIX + "errorRows");
    realTokens = sc.longAccumulator(PREFIX + "realTokens");
    paddedTokens = sc.longAccumulator(PREFIX + "paddedTokens");
    batches = sc.longAccumulator(PREFIX + "batches");
    modelLoads = sc.longAccumulator(PREFIX + "modelLoads");
    modelLoadMs = sc.doubleAccumulator(PREFIX + "modelLoadMs");
    inferenceMs = sc.doubleAccumulator(PREFIX + "inferenceMs");
  }

  /** Registers a fresh set of accumulators (driver side). */
  public static EmbedMetrics register(SparkContext sc) {
    return new EmbedMetrics(sc);
  }

  @Override
  public String toString() {
    return "rows="
        + rows.value()
        + " nullRows="
        + nullRows.value()
        + " truncatedRows="
        + truncatedRows.value()
        + " errorRows="
        + errorRows.value()
        + " realTokens="
        + realTokens.value()
        + " paddedTokens="
        + paddedTokens.value()
        + " batches="
        + batches.value()
        + " modelLoads="
        + modelLoads.value()
        + " modelLoadMs="
        + Math.round(modelLoadMs.value())
        + " inferenceMs="
        + Math.round(inferenceMs.value());
  }
}
