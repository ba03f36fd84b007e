package dev.modernbert.jobs;

import dev.modernbert.encoder.options.Option;
import dev.modernbert.spark.ml.ModernBertStage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which {@code --task}s take a stage option, read from the tasks' stages (so it cannot drift from
 * the Params): the job's help puts them before the option's doc ({@code embed, classify: ...}).
 */
final class JobScopes {
  private JobScopes() {}

  /** Each task's stage with its defaults, by task name. */
  private static final Map<String, ModernBertStage<?>> STAGES = stages();

  private static Map<String, ModernBertStage<?>> stages() {
    Map<String, ModernBertStage<?>> out = new LinkedHashMap<>();
    JobTask.all().forEach((name, task) -> out.put(name, task.defaultStage()));
    return out;
  }

  /** The tasks whose stage has a Param declared by {@code o}, in task order. */
  static List<String> tasksTaking(Option<?> o) {
    List<String> tasks = new ArrayList<>();
    STAGES.forEach(
        (name, stage) -> {
          if (stage.hasParam(o.name())) {
            tasks.add(name);
          }
        });
    return tasks;
  }

  /** The option's doc (as flags read it), after the tasks that take it when only some do. */
  static String help(Option<?> o) {
    List<String> tasks = tasksTaking(o);
    return tasks.isEmpty() || tasks.size() == STAGES.size()
        ? o.flagDoc()
        : String.join(", ", tasks) + ": " + o.flagDoc();
  }

  /** Each task's stage with its defaults. */
  static Map<String, ModernBertStage<?>> stagesByTask() {
    return STAGES;
  }
}
