package dev.modernbert.spark.executor;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Named accumulators (visible in the Spark UI under each stage, and readable on the driver after an
 * action), shared by every stage and UDF. Registered on the driver, filled by the tasks, read with
 * {@link #totals()}. Like every Spark accumulator updated inside a transformation, a re-computed
 * partition counts again.
 */
public final class StageMetrics implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String PREFIX = "modernbert.";

  /**
   * The figures at one moment.
   *
   * @param rows rows seen (null rows included)
   * @param nullRows rows with a null text (null output)
   * @param truncatedRows texts cut to the maximum length
   * @param errorRows rows that could not be processed (null output under {@code onError=null})
   * @param realTokens tokens of the processed rows
   * @param paddedTokens {@code rows x longest} summed over batches
   * @param batches forward passes
   * @param modelLoads models loaded by the executors for this stage
   * @param modelLoadMs time spent loading them
   * @param inferenceMs time spent in forward passes
   * @param chunkedRows texts cut into chunks (long-text modes {@code chunk} and {@code late})
   * @param chunks chunks those texts were cut into
   */
  public record Totals(
      long rows,
      long nullRows,
      long truncatedRows,
      long errorRows,
      long realTokens,
      long paddedTokens,
      long batches,
      long modelLoads,
      double modelLoadMs,
      double inferenceMs,
      long chunkedRows,
      long chunks) {}

  final LongAccumulator rows;
  final LongAccumulator nullRows;
  final LongAccumulator truncatedRows;
  final LongAccumulator errorRows;
  final LongAccumulator realTokens;
  final LongAccumulator paddedTokens;
  final LongAccumulator batches;
  final LongAccumulator modelLoads;
  final DoubleAccumulator modelLoadMs;
  final DoubleAccumulator inferenceMs;
  final LongAccumulator chunkedRows;
  final LongAccumulator chunks;

  private StageMetrics(SparkContext sc) {
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
    chunkedRows = sc.longAccumulator(PREFIX + "chunkedRows");
    chunks = sc.longAccumulator(PREFIX + "chunks");
  }

  /** Registers a fresh set of accumulators (driver side). */
  public static StageMetrics register(SparkContext sc) {
    return new StageMetrics(sc);
  }

  /** The current values (driver side: after an action has run). */
  public Totals totals() {
    return new Totals(
        rows.value(),
        nullRows.value(),
        truncatedRows.value(),
        errorRows.value(),
        realTokens.value(),
        paddedTokens.value(),
        batches.value(),
        modelLoads.value(),
        modelLoadMs.value(),
        inferenceMs.value(),
        chunkedRows.value(),
        chunks.value());
  }

  @Override
  public String toString() {
    return totals().toString();
  }
}
