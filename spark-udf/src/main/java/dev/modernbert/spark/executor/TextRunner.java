package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The task side of every stage and UDF: plans a window of texts on the calling (task) thread (each
 * text becomes one or more sequences through its {@link TextTask}: tokenization, windows of a long
 * text), checks the ids, submits the sequences to the executor's {@link DeviceRunner}, and gives
 * back one {@link Outcome} per text, combining a text's sequence values by its plan. Null texts
 * give a null value and never reach the model. The model is acquired from {@link ExecutorModels}
 * on first use and checked against the task then (a checkpoint without the head the task needs
 * fails the task, with a message naming its head). Not thread-safe: one per task (or per UDF
 * instance).
 *
 * @param <V> a row's value
 */
public final class TextRunner<V> {

  /** A submitted window: its outcomes are complete when {@link #await} returns. */
  public static final class Window<V> {
    private final List<Outcome<V>> outcomes;
    private final List<Planned<?, ?, V>> planned;

    private Window(List<Outcome<V>> outcomes, List<Planned<?, ?, V>> planned) {
      this.outcomes = outcomes;
      this.planned = planned;
    }

    public int size() {
      return outcomes.size();
    }
  }

  /**
   * The texts of a window that share one encoder task, submitted together: each text's plan and
   * where its sequences sit in the submission.
   */
  private static final class Planned<A, W, V> {
    final EncoderTask<A, W> task;
    final List<int[]> seqs = new ArrayList<>();
    final List<A> args = new ArrayList<>();
    final List<Integer> rows = new ArrayList<>(); // text index per plan
    final List<TextPlan<A, W, V>> plans = new ArrayList<>();
    CompletableFuture<DeviceRunner.Result<W>> future;

    Planned(EncoderTask<A, W> task) {
      this.task = task;
    }

    void add(int row, TextPlan<A, W, V> plan) {
      rows.add(row);
      plans.add(plan);
      seqs.addAll(plan.ids());
      args.addAll(plan.args());
    }
  }

  private final StageSpec spec;
  private final TextTask<V> task;
  private final HadoopConf conf;
  private final StageMetrics metrics;
  private SharedModel model;

  public TextRunner(StageSpec spec, TextTask<V> task, HadoopConf conf, StageMetrics metrics) {
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

  /** Plans {@code texts} here and queues their sequences on the device runner. */
  public Window<V> submit(List<String> texts) {
    List<Outcome<V>> outcomes = new ArrayList<>(texts.size());
    List<Planned<?, ?, V>> planned = new ArrayList<>();
    long nulls = 0;
    long truncated = 0;
    long errors = 0;
    long tokenCount = 0;
    long chunked = 0;
    long chunks = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      outcomes.add(null); // filled below or by await
      if (text == null) {
        outcomes.set(i, Outcome.of(null));
        nulls++;
        continue;
      }
      ModernBertEncoder encoder = model().encoder();
      String problem;
      TextPlan<?, ?, V> plan = null;
      try {
        plan = task.plan(encoder, text);
        problem = checkIds(encoder, plan);
      } catch (RuntimeException e) {
        problem = "tokenization failed: " + e;
      }
      if (problem != null) {
        outcomes.set(i, Outcome.failed(problem));
        errors++;
        continue;
      }
      truncated += plan.truncated() ? 1 : 0;
      chunked += plan.chunks() > 0 ? 1 : 0;
      chunks += plan.chunks();
      tokenCount += plan.ids().stream().mapToLong(ids -> ids.length).sum();
      add(planned, i, plan);
    }
    if (metrics != null) {
      metrics.rows.add(texts.size());
      metrics.nullRows.add(nulls);
      metrics.truncatedRows.add(truncated);
      metrics.errorRows.add(errors);
      metrics.realTokens.add(tokenCount);
      metrics.chunkedRows.add(chunked);
      metrics.chunks.add(chunks);
    }
    for (Planned<?, ?, V> p : planned) {
      submit(p);
    }
    return new Window<>(outcomes, planned);
  }

  private static String checkIds(ModernBertEncoder encoder, TextPlan<?, ?, ?> plan) {
    for (int[] ids : plan.ids()) {
      String problem = encoder.checkIds(ids);
      if (problem != null) {
        return problem;
      }
    }
    return null;
  }

  /** Files {@code plan} with the texts of the window that share its encoder task. */
  private static <A, W, V> void add(
      List<Planned<?, ?, V>> planned, int row, TextPlan<A, W, V> plan) {
    for (Planned<?, ?, V> p : planned) {
      if (p.task.equals(plan.task())) {
        sameTypes(p, plan).add(row, plan);
        return;
      }
    }
    Planned<A, W, V> p = new Planned<>(plan.task());
    p.add(row, plan);
    planned.add(p);
  }

  /** Equal encoder tasks have the same argument and value types. */
  @SuppressWarnings("unchecked")
  private static <A, W, V> Planned<A, W, V> sameTypes(
      Planned<?, ?, V> p, TextPlan<A, W, V> plan) {
    return (Planned<A, W, V>) p;
  }

  private <A, W> void submit(Planned<A, W, V> p) {
    p.future = model().runner().submit(p.task, spec.planner(), p.seqs, p.args);
  }

  /** Waits for a window's values; texts the runner could not compute carry their error. */
  public List<Outcome<V>> await(Window<V> w) {
    for (Planned<?, ?, V> p : w.planned) {
      collect(p, w.outcomes);
    }
    return w.outcomes;
  }

  private <A, W> void collect(Planned<A, W, V> p, List<Outcome<V>> outcomes) {
    DeviceRunner.Result<W> r = get(p.future);
    long errors = 0;
    int at = 0;
    for (int t = 0; t < p.plans.size(); t++) {
      TextPlan<A, W, V> plan = p.plans.get(t);
      List<Outcome<W>> mine = r.outcomes().subList(at, at + plan.ids().size());
      at += plan.ids().size();
      Outcome<V> o = combine(plan, mine);
      errors += o.failed() ? 1 : 0;
      outcomes.set(p.rows.get(t), o);
    }
    if (metrics != null) {
      metrics.errorRows.add(errors);
      metrics.batches.add(r.stats().batches());
      metrics.paddedTokens.add(r.stats().paddedTokens());
      metrics.inferenceMs.add(r.stats().computeNanos() / 1e6);
    }
  }

  /** A text's value from its sequences' outcomes: the first failure fails the text. */
  private static <A, W, V> Outcome<V> combine(TextPlan<A, W, V> plan, List<Outcome<W>> seqs) {
    List<W> values = new ArrayList<>(seqs.size());
    for (Outcome<W> o : seqs) {
      if (o.failed()) {
        return Outcome.failed(o.error());
      }
      values.add(o.value());
    }
    try {
      return Outcome.of(plan.combine(values));
    } catch (RuntimeException e) {
      return Outcome.failed("combining the text's chunks failed: " + e);
    }
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
