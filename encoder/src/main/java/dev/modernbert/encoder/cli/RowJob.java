package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TextTask;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The run every row-to-line command shares: validate the whole input, then stream it in chunks
 * through the encoder into an atomic output, and print a summary line to stderr.
 */
final class RowJob {
  private RowJob() {}

  /** Computes and writes the output lines of one chunk, in chunk order. */
  @FunctionalInterface
  interface ChunkWriter {
    void write(List<JsonlInput.Prepared> chunk, Writer out) throws IOException;
  }

  /**
   * {@link #run(Job, ModernBertEncoder, TextTask, JsonlInput.Cost, ChunkWriter, PrintStream,
   * java.util.function.Supplier)} with nothing after the row count.
   */
  static void run(
      Job job,
      ModernBertEncoder encoder,
      TextTask<?> task,
      JsonlInput.Cost cost,
      ChunkWriter work,
      PrintStream err)
      throws IOException {
    run(job, encoder, task, cost, work, err, () -> "");
  }

  /**
   * The run: {@code task} turns the texts into ids ({@link EncoderTask#tokenize}: the task's own
   * ids, e.g. with a prompt, or the checkpoint's tokenizer as is; a long-text task plans several
   * sequences per text, {@link JsonlInput.Prepared#plan}), {@code extraCounts} (e.g. {@code ", 5
   * masks"}) goes after the row count in the summary line.
   */
  static void run(
      Job job,
      ModernBertEncoder encoder,
      TextTask<?> task,
      JsonlInput.Cost cost,
      ChunkWriter work,
      PrintStream err,
      java.util.function.Supplier<String> extraCounts)
      throws IOException {
    int rows = JsonlInput.validate(job.input(), encoder, idsProblem(task));
    long[] totals = new long[3]; // rows, tokens, truncated
    long start = System.nanoTime();
    try (AtomicOutput out = AtomicOutput.create(job.output(), job.stdout());
        CliProgress progress = CliProgress.start(job.command(), rows, err)) {
      Writer w = out.writer();
      JsonlInput.forEachChunk(
          job.input(),
          encoder,
          task,
          job.chunkRows(),
          Job.CHUNK_FLOAT_BUDGET,
          cost,
          chunk -> {
            work.write(chunk, w);
            long chunkTokens = 0;
            for (JsonlInput.Prepared r : chunk) {
              totals[0]++;
              chunkTokens += r.ids().length;
              totals[2] += r.truncated() ? 1 : 0;
            }
            totals[1] += chunkTokens;
            progress.advance(chunk.size(), chunkTokens);
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

  /**
   * Why {@code task} cannot take {@code input_ids} lines, or null when it can: a task that plans
   * several sequences per text (e.g. {@code --long-text chunk}) needs the text of every line.
   */
  static String idsProblem(TextTask<?> task) {
    if (task instanceof EncoderTask<?, ?>) {
      return null;
    }
    if (task instanceof LongTextEmbed lt) {
      return "--long-text " + lt.mode().id() + " cuts text, so every line needs \"text\"";
    }
    return "this command cuts text, so every line needs \"text\"";
  }

  /**
   * {@code task}'s argument of each row, in chunk order: from its text and tokens; null for rows
   * that gave input_ids.
   */
  static <A> List<A> args(List<JsonlInput.Prepared> chunk, EncoderTask<A, ?> task) {
    List<A> args = new ArrayList<>(chunk.size());
    for (JsonlInput.Prepared r : chunk) {
      args.add(r.text() == null ? null : task.argument(r.tokens(), r.text()));
    }
    return args;
  }

  /** The chunk's token ids, in chunk order. */
  static List<int[]> ids(List<JsonlInput.Prepared> chunk) {
    List<int[]> seqs = new ArrayList<>(chunk.size());
    chunk.forEach(r -> seqs.add(r.ids()));
    return seqs;
  }
}
