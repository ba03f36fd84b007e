package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The task side of every stage and UDF: tokenizes a window of texts on the calling (task) thread,
 * checks the ids, submits the good ones with the stage's {@link EncoderTask} to the executor's
 * {@link DeviceRunner}, and gives back one {@link Outcome} per text. Null texts give a null value
 * and never reach the model. The model is acquired from {@link ExecutorModels} on first use and
 * checked against the task then (a checkpoint without the head the task needs fails the task, with
 * a message naming its head). Not thread-safe: one per task (or per UDF instance).
 *
 * @param <A> the task's per-sequence argument
 * @param <V> a row's value
 */
public final class TextRunner<A, V> {

  /** A submitted window: its outcomes are complete when {@link #await} returns. */
  public static final class Window<V> {
    private final List<Outcome<V>> outcomes;
    private final int[] seqRow; // sequence index -> text index
    private final CompletableFuture<DeviceRunner.Result<V>> future; // null: nothing to compute

    private Window(
        List<Outcome<V>> outcomes, int[] seqRow, CompletableFuture<DeviceRunner.Result<V>> future) {
      this.outcomes = outcomes;
      this.seqRow = seqRow;
      this.future = future;
    }

    public int size() {
      return outcomes.size();
    }
  }

  private final StageSpec spec;
  private final EncoderTask<A, V> task;
  private final HadoopConf conf;
  private final StageMetrics metrics;
  private SharedModel model;

  public TextRunner(StageSpec spec, EncoderTask<A, V> task, HadoopConf conf, StageMetrics metrics) {
    this.spec = spec;
    this.task = task;
    this.conf = conf;
    this.metrics = metrics;
  }

  private SharedModel model() {
    if (model == null) {
      ExecutorModels.Acquired a = ExecutorModels.acquire(spec, conf);
      if (a.loadedNow() && metrics != null) {
        metrics.modelLoads.add(1);
        metrics.modelLoadMs.add(a.loadNanos() / 1e6);
      }
      a.model().encoder().require(task);
      model = a.model();
    }
    return model;
  }

  /** Tokenizes {@code texts} here and queues the good ones on the device runner. */
  public Window<V> submit(List<String> texts) {
    List<Outcome<V>> outcomes = new ArrayList<>(texts.size());
    List<int[]> seqs = new ArrayList<>(texts.size());
    List<A> args = new ArrayList<>(texts.size());
    int[] seqRow = new int[texts.size()];
    long nulls = 0;
    long truncated = 0;
    long errors = 0;
    long tokenCount = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        outcomes.add(Outcome.of(null));
        nulls++;
        continue;
      }
      ModernBertEncoder encoder = model().encoder();
      String problem;
      TokenizedText t = null;
      try {
        t = task.tokenize(encoder, text);
        truncated += t.truncated() ? 1 : 0;
        problem = encoder.checkIds(t.ids());
      } catch (RuntimeException e) {
        problem = "tokenization failed: " + e;
      }
      if (problem != null) {
        outcomes.add(Outcome.failed(problem));
        errors++;
        continue;
      }
      outcomes.add(null); // filled by await
      seqRow[seqs.size()] = i;
      seqs.add(t.ids());
      args.add(task.argument(t, text));
      tokenCount += t.ids().length;
    }
    if (metrics != null) {
      metrics.rows.add(texts.size());
      metrics.nullRows.add(nulls);
      metrics.truncatedRows.add(truncated);
      metrics.errorRows.add(errors);
      metrics.realTokens.add(tokenCount);
    }
    CompletableFuture<DeviceRunner.Result<V>> future =
        seqs.isEmpty() ? null : model().runner().submit(task, spec.planner(), seqs, args);
    return new Window<>(outcomes, seqRow, future);
  }

  /** Waits for a window's values; rows the runner could not compute carry their error. */
  public List<Outcome<V>> await(Window<V> w) {
    if (w.future == null) {
      return w.outcomes;
    }
    DeviceRunner.Result<V> r = get(w.future);
    long errors = 0;
    for (int s = 0; s < r.outcomes().size(); s++) {
      Outcome<V> o = r.outcomes().get(s);
      errors += o.failed() ? 1 : 0;
      w.outcomes.set(w.seqRow[s], o);
    }
    if (metrics != null) {
      metrics.errorRows.add(errors);
      metrics.batches.add(r.stats().batches());
      metrics.paddedTokens.add(r.stats().paddedTokens());
      metrics.inferenceMs.add(r.stats().computeNanos() / 1e6);
    }
    return w.outcomes;
  }

  /** {@link #submit} then {@link #await}. */
  public List<Outcome<V>> run(List<String> texts) {
    return await(submit(texts));
  }

  private static <T> T get(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the model", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("the device runner failed: " + e.getCause(), e.getCause());
    }
  }
}
