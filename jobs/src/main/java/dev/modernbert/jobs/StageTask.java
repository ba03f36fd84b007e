package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertStage;
import java.util.ArrayList;
import java.util.List;

/**
 * What every task shares, since every task is a {@link ModernBertStage}: the stage's common Params
 * as flags, and the output and error columns. A task adds only its own Params and columns.
 */
abstract class StageTask<S extends ModernBertStage<S>> implements JobTask {

  /** A new stage with the task's own Params set. */
  abstract S newStage(JobOptions o);

  /** A stage with its defaults: the main output column when {@code --output-col} is not given. */
  abstract S defaultStage();

  /** The columns the stage appends, before the error column. */
  List<String> taskColumns(JobOptions o) {
    return List.of(outputCol(o));
  }

  final String outputCol(JobOptions o) {
    String v = o.get("output-col");
    return v == null || v.isBlank() ? defaultStage().getOutputCol() : v;
  }

  @Override
  public final S stage(JobOptions o, String textCol) {
    try {
      S s =
          newStage(o)
              .setInputCol(textCol)
              .setOutputCol(outputCol(o))
              .setModelPath(o.require("model"))
              .setMaxLength(o.getInt("max-length"))
              .setBatchTokens(o.getInt("batch-tokens"))
              .setMaxBatchRows(o.getInt("max-batch-rows"))
              .setSortWindowRows(o.getInt("sort-window-rows"))
              .setDevice(o.get("device"))
              .setDtype(o.get("dtype"))
              .setGemm(o.get("gemm"))
              .setOnError(o.get("on-error"))
              .setNumThreads(o.getInt("num-threads"));
      String errorCol = o.get("error-col");
      if (errorCol != null && !errorCol.isBlank()) {
        s.setErrorCol(errorCol);
      }
      return s;
    } catch (IllegalArgumentException ex) {
      throw JobException.usage("bad option value: " + ex.getMessage());
    }
  }

  @Override
  public final List<String> outputColumns(JobOptions o) {
    List<String> cols = new ArrayList<>(taskColumns(o));
    String errorCol = o.get("error-col");
    if (errorCol != null && !errorCol.isBlank()) {
      cols.add(errorCol);
    }
    return cols;
  }
}
