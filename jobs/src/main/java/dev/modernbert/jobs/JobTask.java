package dev.modernbert.jobs;

import dev.modernbert.encoder.task.Output;
import dev.modernbert.spark.ml.ModernBertStage;
import dev.modernbert.spark.ml.ModernBertStages;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One kind of work the job can do ({@code --task}): the Spark stage of an {@link Output} ({@link
 * ModernBertStages#create}), its Params set from the options ({@link JobOptions#applyTo}). The
 * columns it adds come from the stage's own {@code transformSchema}; its figures reach the summary
 * through the {@code StageMetrics} the job passes to its transform. A new output needs nothing
 * here.
 */
public record JobTask(Output output) {

  /** The task of each output. */
  public static JobTask of(Output output) {
    return new JobTask(output);
  }

  /** The tasks by name, in the registry's order: embed, classify, token-classify, ... */
  public static Map<String, JobTask> all() {
    Map<String, JobTask> tasks = new LinkedHashMap<>();
    for (Output o : Output.values()) {
      tasks.put(o.id(), of(o));
    }
    return tasks;
  }

  /** The {@code --task} name: the output's {@link Output#id}. */
  public String name() {
    return output.id();
  }

  /** The stage with its defaults (what the job's help and defaults are read from). */
  public ModernBertStage<?> defaultStage() {
    return ModernBertStages.create(output);
  }

  /**
   * The stage that reads {@code textCol}, every option given set; its {@code transformSchema}
   * validates the input schema and names the columns it appends (it runs before anything is
   * computed).
   */
  public ModernBertStage<?> stage(JobOptions options, String textCol) {
    ModernBertStage<?> stage = options.applyTo(defaultStage(), "--task " + name());
    try {
      // the text column and the model are the job's to decide
      stage.setInputCol(textCol);
      stage.setModelPath(options.require("model"));
    } catch (IllegalArgumentException ex) {
      throw JobException.usage("bad option value: " + ex.getMessage());
    }
    return stage;
  }

  /** The Spark application's name for a task (unless {@code --app-name} is given). */
  public static String appName(String task) {
    return "modernbert-" + task;
  }

  /** What the job's own lines start with: the application's name. */
  public static String logPrefix(String task) {
    return appName(task) + ": ";
  }
}
