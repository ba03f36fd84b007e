package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.task.Outcome;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextPlans;
import dev.modernbert.encoder.task.TextTask;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The task side of every stage and UDF, the submit/await face of the plan runner ({@link
 * TextPlans}): plans a window of texts on the calling (task) thread (each text becomes one or more
 * sequences through its {@link TextTask}: tokenization, windows of a long text), checks the ids,
 * submits each group of plans to the executor's {@link DeviceRunner}, which runs and combines them
 * on its device thread, and gives back one {@link Outcome} per text. Null texts give a null value
 * and never reach the model. The model is acquired from {@link ExecutorModels} on first use and
 * checked against the task then (a checkpoint without the head the task needs fails the task, with
 * a message naming its head). Not thread-safe: one per task (or per UDF instance).
 *
 * @param <V> a row's value
 */
public final class TextRunner<V> {

  /** A submitted window: its outcomes are complete when {@link #await} returns. */
  public static final class Window<V> {
    private final List<Outcome<V>> outcomes;
    private final TextPlans<V> plans;
    private final List<CompletableFuture<DeviceRunner.Result<V>>> futures;

    private Window(
        List<Outcome<V>> outcomes,
        TextPlans<V> plans,
        List<CompletableFuture<DeviceRunner.Result<V>>> futures) {
      this.outcomes = outcomes;
      this.plans = plans;
      this.futures = futures;
    }

    public int size() {
      return outcomes.size();
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
    TextPlans<V> plans = new TextPlans<>();
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
      plans.add(i, plan);
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
    List<CompletableFuture<DeviceRunner.Result<V>>> futures = new ArrayList<>();
    if (!plans.groups().isEmpty()) {
      SharedModel m = model();
      // batch settings left at their CPU defaults become the GPU defaults on a GPU
      BatchPlanner planner = spec.planner().forDevice(m.encoder().onGpu());
      for (TextPlans.Group<?, ?, V> g : plans.groups()) {
        futures.add(m.runner().submit(g, planner));
      }
    }
    return new Window<>(outcomes, plans, futures);
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

  /** Waits for a window's values; texts the runner could not compute carry their error. */
  public List<Outcome<V>> await(Window<V> w) {
    for (int g = 0; g < w.futures.size(); g++) {
      collect(w.plans.groups().get(g), get(w.futures.get(g)), w.outcomes);
    }
    return w.outcomes;
  }

  private void collect(
      TextPlans.Group<?, ?, V> g, DeviceRunner.Result<V> r, List<Outcome<V>> outcomes) {
    long errors = 0;
    for (int p = 0; p < r.outcomes().size(); p++) {
      Outcome<V> o = r.outcomes().get(p);
      errors += o.failed() ? 1 : 0;
      outcomes.set(g.texts().get(p), o);
    }
    if (metrics != null) {
      metrics.errorRows.add(errors);
      metrics.batches.add(r.stats().batches());
      metrics.paddedTokens.add(r.stats().paddedTokens());
      metrics.inferenceMs.add(r.stats().computeNanos() / 1e6);
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
