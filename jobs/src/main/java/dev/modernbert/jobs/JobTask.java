package dev.modernbert.jobs;

import dev.modernbert.spark.ml.ModernBertStage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One kind of work the job can do ({@code --task}): a Spark stage built from the options and the
 * columns it adds (kept in the output after the id and {@code --keep-cols}). The stage's figures
 * reach the summary through the {@code StageMetrics} the job passes to its transform.
 */
public interface JobTask {

  /** The {@code --task} name. */
  String name();

  /**
   * The stage that reads {@code textCol} and appends {@link #outputColumns}; its {@code
   * transformSchema} validates the input schema (it runs before anything is computed).
   */
  ModernBertStage<?> stage(JobOptions options, String textCol);

  /** The columns the stage appends that go to the output. */
  List<String> outputColumns(JobOptions options);

  /** The tasks by name: embed, classify, token-classify, fill-mask and colbert. */
  static Map<String, JobTask> all() {
    Map<String, JobTask> tasks = new LinkedHashMap<>();
    for (JobTask t :
        List.of(
            new EmbedTask(),
            new ClassifyTask(),
            new TokenClassifyTask(),
            new FillMaskTask(),
            new ColbertTask())) {
      tasks.put(t.name(), t);
    }
    return tasks;
  }
}
