package dev.modernbert.jobs;

import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.ml.ModernBertStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;

/**
 * What every task shares, since every task is a {@link ModernBertStage}: the stage's common Params
 * as flags, the output and error columns, and the summary figures from the stage's accumulators. A
 * task adds only its own Params and columns.
 */
abstract class StageTask<S extends ModernBertStage<S>> implements JobTask {

  /** A new stage with the task's own Params set. */
  abstract S newStage(JobOptions o);

  /** The main output column when {@code --output-col} is not given. */
  abstract String defaultOutputCol();

  /** The columns the stage appends, before the error column. */
  List<String> taskColumns(JobOptions o) {
    return List.of(outputCol(o));
  }

  final String outputCol(JobOptions o) {
    String v = o.get("output-col");
    return v == null || v.isBlank() ? defaultOutputCol() : v;
  }

  @Override
  public final Transformer stage(JobOptions o, String textCol) {
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
              .setOutputType(o.get("output-type"))
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

  @Override
  public final Map<String, Object> metrics(Transformer stage) {
    Map<String, Object> m = new LinkedHashMap<>();
    EmbedMetrics em = ((ModernBertStage<?>) stage).lastMetrics();
    if (em == null) {
      return m;
    }
    m.put("rows", em.rows.value());
    m.put("null_rows", em.nullRows.value());
    m.put("truncated_rows", em.truncatedRows.value());
    m.put("error_rows", em.errorRows.value());
    m.put("real_tokens", em.realTokens.value());
    m.put("padded_tokens", em.paddedTokens.value());
    m.put("batches", em.batches.value());
    m.put("model_loads", em.modelLoads.value());
    m.put("model_load_ms", Math.round(em.modelLoadMs.value()));
    m.put("inference_ms", Math.round(em.inferenceMs.value()));
    return m;
  }
}
