package dev.modernbert.jobs;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Transformer;

/**
 * One kind of work the job can do ({@code --task}): a Spark stage built from the options, the
 * columns it adds (kept in the output after the id and {@code --keep-cols}), and the figures it
 * reports in {@code _SUMMARY.json}. Each built-in task is a {@link StageTask}; to add another,
 * implement this interface and {@link #register} it (see {@link Tasks}).
 */
public interface JobTask {

  /** The {@code --task} name. */
  String name();

  /**
   * The stage that reads {@code textCol} and appends {@link #outputColumns}; its {@code
   * transformSchema} must validate the input schema (it runs before anything is computed).
   */
  Transformer stage(JobOptions options, String textCol);

  /** The columns the stage appends that go to the output. */
  List<String> outputColumns(JobOptions options);

  /**
   * Task figures for the summary, read after the output was written (e.g. from the stage's
   * accumulators). Keys are snake_case; {@code rows}, {@code null_rows}, {@code truncated_rows},
   * {@code error_rows}, {@code real_tokens}, {@code padded_tokens} are expected when known.
   */
  Map<String, Object> metrics(Transformer stage);

  /** The registered tasks by name. */
  static Map<String, JobTask> registry() {
    return Tasks.REGISTRY;
  }

  /** Adds a task (replacing one of the same name). */
  static void register(JobTask task) {
    Tasks.REGISTRY.put(task.name(), task);
  }

  /** The registry: embed, classify, token-classify and fill-mask. */
  final class Tasks {
    static final Map<String, JobTask> REGISTRY = new LinkedHashMap<>();

    static {
      for (JobTask t :
          new JobTask[] {
            new EmbedTask(), new ClassifyTask(), new TokenClassifyTask(), new FillMaskTask()
          }) {
        REGISTRY.put(t.name(), t);
      }
    }

    private Tasks() {}
  }
}
