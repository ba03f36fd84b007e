package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.task.Output;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The job's tasks are the registry's outputs, and a task's output columns are what its stage's
 * {@code transformSchema} appends (no list of its own). No Spark session: schemas only.
 */
class JobTaskTest {
  private static final StructType IN =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("text", DataTypes.StringType)
          .add("lang", DataTypes.StringType);

  static List<String> outputColumns(String... flags) {
    List<String> args =
        new ArrayList<>(List.of("--input", "/in", "--output", "/out", "--model", "demo"));
    args.addAll(List.of(flags));
    JobOptions o = JobOptions.parse(args.toArray(String[]::new));
    JobInput input = new JobInput("/in", "json", List.of(), "id", "text", "fail", 0, 0);
    return JobStage.of(
            JobTask.all().get(o.get("task")).stage(o, "text"), input, IN, List.of("id", "lang"), 0)
        .outputColumns();
  }

  @Test
  void theTasksAreTheRegistrysOutputs() {
    assertEquals(Output.ids(), new ArrayList<>(JobTask.all().keySet()));
    for (Output o : Output.values()) {
      assertEquals(o.id(), JobTask.of(o).name());
    }
    assertEquals("modernbert-token-classify: ", JobTask.logPrefix("token-classify"));
  }

  @Test
  void outputColumnsComeFromTheStagesSchema() {
    assertEquals(List.of("id", "lang", "embedding"), outputColumns());
    assertEquals(
        List.of("id", "lang", "chunk_index", "char_start", "char_end", "vec", "err"),
        outputColumns("--long-text", "chunk", "--output-col", "vec", "--error-col", "err"));
    assertEquals(
        List.of("id", "lang", "embedding"),
        outputColumns("--long-text", "late", "--aggregate", "mean"));
    assertEquals(
        List.of("id", "lang", "label", "probability", "logits"),
        outputColumns("--task", "classify", "--raw-prediction-col", "logits"));
    assertEquals(List.of("id", "lang", "predictions"), outputColumns("--task", "fill-mask"));
  }

  @Test
  void anOutputColumnThatIsAnInputColumnIsAUsageErrorNamingTheInput() {
    JobException e = assertThrows(JobException.class, () -> outputColumns("--output-col", "lang"));
    assertEquals(JobException.USAGE, e.exitCode());
    assertTrue(e.getMessage().contains("output column \"lang\" already exists"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(in /in, read as json)"), e.getMessage());
  }
}
