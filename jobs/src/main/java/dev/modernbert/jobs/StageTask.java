package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertStage;

/**
 * What every task shares, since every task is a {@link ModernBertStage}: the stage's common Params
 * as flags. A task adds only its own Params.
 */
abstract class StageTask<S extends ModernBertStage<S>> implements JobTask {

  /** A new stage with the task's own Params set. */
  abstract S newStage(JobOptions o);

  @Override
  public final S stage(JobOptions o, String textCol) {
    try {
      S s =
          newStage(o)
              .setInputCol(textCol)
              .setModelPath(o.require("model"))
              .setMaxLength(o.getInt("max-length"))
              .setBatchTokens(o.getInt("batch-tokens"))
              .setMaxBatchRows(o.getInt("max-batch-rows"))
              .setSortWindowRows(o.getInt("sort-window-rows"))
              .setDevice(o.get("device"))
              .setDtype(o.get("dtype"))
              .setOnError(o.get("on-error"))
              .setNumThreads(o.getInt("num-threads"));
      String outputCol = o.get("output-col"); // none given: the stage's default
      if (outputCol != null && !outputCol.isBlank()) {
        s.setOutputCol(outputCol);
      }
      String errorCol = o.get("error-col");
      if (errorCol != null && !errorCol.isBlank()) {
        s.setErrorCol(errorCol);
      }
      return s;
    } catch (IllegalArgumentException ex) {
      throw JobException.usage("bad option value: " + ex.getMessage());
    }
  }
}
