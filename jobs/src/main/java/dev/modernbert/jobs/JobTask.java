package dev.modernbert.jobs;

import dev.modernbert.encoder.task.Output;
import dev.modernbert.spark.ml.ModernBertStage;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One kind of work the job can do ({@code --task}): the Spark stage of an {@link Output}, built
 * from the options. The columns it adds come from the stage's own {@code transformSchema}; its
 * figures reach the summary through the {@code StageMetrics} the job passes to its transform.
 */
public interface JobTask {

  /** The {@code --task} name: the output's {@link Output#id}. */
  String name();

  /**
   * The stage that reads {@code textCol}; its {@code transformSchema} validates the input schema
   * and names the columns it appends (it runs before anything is computed).
   */
  ModernBertStage<?> stage(JobOptions options, String textCol);

  /**
   * The task of each output. The switch covers every {@link Output}, so an output added to the
   * registry does not compile until the job has it.
   */
  static JobTask of(Output output) {
    return switch (output) {
      case EMBED -> new EmbedTask();
      case CLASSIFY -> new ClassifyTask();
      case TOKEN_CLASSIFY -> new TokenClassifyTask();
      case FILL_MASK -> new FillMaskTask();
      case COLBERT -> new ColbertTask();
    };
  }

  /** The tasks by name, in the registry's order: embed, classify, token-classify, ... */
  static Map<String, JobTask> all() {
    Map<String, JobTask> tasks = new LinkedHashMap<>();
    for (Output o : Output.values()) {
      tasks.put(o.id(), of(o));
    }
    return tasks;
  }

  /** The Spark application's name for a task (unless {@code --app-name} is given). */
  static String appName(String task) {
    return "modernbert-" + task;
  }

  /** What the job's own lines start with: the application's name. */
  static String logPrefix(String task) {
    return appName(task) + ": ";
  }
}
