package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.task.TextPlan;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The run every row-to-line command shares: validate the whole input, then stream it in blocks of
 * lines, each line planned ({@link LinePlanner}) and each block run through the encoder's plan
 * runner ({@link ModernBertEncoder#runPlans}), into an atomic output; then a summary line on
 * stderr.
 */
final class RowJob {
  private RowJob() {}

  /** Writes a line's fields after its id (and {@code truncated}), from the line's value. */
  @FunctionalInterface
  interface LineWriter<V> {
    void write(JsonWriter out, JsonlInput.Prepared<V> line, V value) throws IOException;
  }

  /**
   * {@link #run(Job, ModernBertEncoder, LinePlanner, JsonlInput.Cost, LineWriter, PrintStream,
   * Supplier)} with nothing after the row count.
   */
  static <V> void run(
      Job job,
      ModernBertEncoder encoder,
      LinePlanner<V> planner,
      JsonlInput.Cost cost,
      LineWriter<V> writer,
      PrintStream err)
      throws IOException {
    run(job, encoder, planner, cost, writer, err, () -> "");
  }

  /**
   * The run: {@code planner} turns each line into a plan, {@code cost} bounds a block's output in
   * memory, {@code writer} writes each line's fields, {@code extraCounts} (e.g. {@code ", 5
   * masks"}) goes after the row count in the summary line.
   */
  static <V> void run(
      Job job,
      ModernBertEncoder encoder,
      LinePlanner<V> planner,
      JsonlInput.Cost cost,
      LineWriter<V> writer,
      PrintStream err,
      Supplier<String> extraCounts)
      throws IOException {
    int rows = JsonlInput.validate(job.input(), encoder, planner.idsProblem());
    long[] totals = new long[3]; // rows, tokens, truncated
    long start = System.nanoTime();
    try (AtomicOutput out = AtomicOutput.create(job.output(), job.stdout());
        CliProgress progress = CliProgress.start(job.command(), rows, err)) {
      Writer w = out.writer();
      JsonlInput.forEachBlock(
          job.input(),
          planner,
          job.blockRows(),
          Job.BLOCK_FLOAT_BUDGET,
          cost,
          block -> {
            List<V> values = encoder.runPlans(plans(block), encoder.options().planner()).values();
            long blockTokens = 0;
            for (int i = 0; i < block.size(); i++) {
              JsonlInput.Prepared<V> line = block.get(i);
              JsonWriter jw = RowOutput.begin(w, line);
              writer.write(jw, line, values.get(i));
              RowOutput.end(jw, w);
              totals[0]++;
              blockTokens += line.ids().length;
              totals[2] += line.truncated() ? 1 : 0;
            }
            totals[1] += blockTokens;
            progress.advance(block.size(), blockTokens);
          });
      out.commit();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    err.printf(
        Locale.ROOT,
        "%s: %d rows%s, %d tokens, %d truncated, %.2f s, %s tokens/s -> %s%n",
        job.command(),
        totals[0],
        extraCounts.get(),
        totals[1],
        totals[2],
        seconds,
        Job.rate(totals[1], seconds),
        job.output());
  }

  private static <V> List<TextPlan<?, ?, V>> plans(List<JsonlInput.Prepared<V>> block) {
    List<TextPlan<?, ?, V>> plans = new ArrayList<>(block.size());
    block.forEach(line -> plans.add(line.plan()));
    return plans;
  }
}
