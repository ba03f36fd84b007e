package dev.modernbert.jobs;

import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;

/** {@code --task embed}: {@link ModernBertEmbedder} with every option as a flag. */
public final class EmbedTask implements JobTask {
  public static final String NAME = "embed";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Transformer stage(JobOptions o, String textCol) {
    ModernBertEmbedder e = new ModernBertEmbedder();
    try {
      e.setInputCol(textCol)
          .setOutputCol(o.require("output-col"))
          .setModelPath(o.require("model"))
          .setPooling(o.get("pooling"))
          .setNormalize(o.getBool("normalize"))
          .setMaxLength(o.getInt("max-length"))
          .setBatchTokens(o.getInt("batch-tokens"))
          .setMaxBatchRows(o.getInt("max-batch-rows"))
          .setSortWindowRows(o.getInt("sort-window-rows"))
          .setDevice(o.get("device"))
          .setDtype(o.get("dtype"))
          .setOutputType(o.get("output-type"))
          .setOnError(o.get("on-error"))
          .setNumThreads(o.getInt("num-threads"));
    } catch (IllegalArgumentException ex) {
      throw JobException.usage("bad option value: " + ex.getMessage());
    }
    String errorCol = o.get("error-col");
    if (errorCol != null && !errorCol.isBlank()) {
      e.setErrorCol(errorCol);
    }
    return e;
  }

  @Override
  public List<String> outputColumns(JobOptions o) {
    List<String> cols = new ArrayList<>();
    cols.add(o.get("output-col"));
    String errorCol = o.get("error-col");
    if (errorCol != null && !errorCol.isBlank()) {
      cols.add(errorCol);
    }
    return cols;
  }

  @Override
  public Map<String, Object> metrics(Transformer stage) {
    Map<String, Object> m = new LinkedHashMap<>();
    EmbedMetrics em = ((ModernBertEmbedder) stage).lastMetrics();
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
