package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.task.BatchStats;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.Outcome;
import dev.modernbert.encoder.task.TaskResult;
import dev.modernbert.encoder.task.TextPlans;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One worker thread per loaded model (so per device), shared by every task of the executor: the
 * device side of the plan runner's submit/await face ({@link TextRunner} is the task side). Tasks
 * plan texts on their own threads and {@link #submit} each {@link TextPlans.Group} with a {@link
 * BatchPlanner}; the worker takes everything pending, groups it by (task, planner) (equal tasks
 * share batches), runs each group's sequences through {@link ModernBertEncoder#run}, which sorts
 * them by length and cuts them into token-budget batches, and combines every plan ({@link
 * TextPlans.Group#combine}) on this thread, so libtorch work in a combine (late chunking's span
 * modules) never runs on a task thread. So rows of concurrent tasks share batches while the tasks
 * prepare their next input. The encoder is batch-independent (the same row gives the same output
 * within 1e-5 whatever shares its batch), so results equal single-task execution.
 *
 * <p>This is the one failure-isolation layer: a run that fails is split in halves until the failing
 * sequences are found; they get the error (and so do their texts), every other sequence its value.
 * So one task's bad input never fails another task's rows.
 */
public final class DeviceRunner {
  /** The prefix of every worker thread's name. */
  public static final String THREAD_PREFIX = "modernbert-runner-";

  /**
   * What a request gets back: one outcome per submitted plan, in the group's plan order; its share
   * of the statistics (a group's batches, tokens and time go to its first request, so sums over
   * requests are exact); and how many requests shared the group.
   */
  public record Result<V>(List<Outcome<V>> outcomes, BatchStats stats, int requestsInGroup) {}

  private record Request<A, W, V>(
      TextPlans.Group<A, W, V> plans, BatchPlanner planner, CompletableFuture<Result<V>> future) {
    EncoderTask<A, W> task() {
      return plans.task();
    }
  }

  /** Requests that may share batches: equal tasks under equal planners. */
  private record GroupKey(EncoderTask<?, ?> task, BatchPlanner planner) {}

  private final ModernBertEncoder encoder;
  private final LinkedBlockingQueue<Request<?, ?, ?>> queue = new LinkedBlockingQueue<>();
  private final Thread worker;

  public DeviceRunner(ModernBertEncoder encoder, String name) {
    this.encoder = encoder;
    this.worker = new Thread(this::loop, THREAD_PREFIX + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues a group of plans (the submitter must not change it afterwards); the future completes
   * when the worker has run their sequences and combined every plan.
   */
  public <A, W, V> CompletableFuture<Result<V>> submit(
      TextPlans.Group<A, W, V> plans, BatchPlanner planner) {
    CompletableFuture<Result<V>> future = new CompletableFuture<>();
    queue.add(new Request<>(plans, planner, future));
    return future;
  }

  private void loop() {
    List<Request<?, ?, ?>> pending = new ArrayList<>();
    while (true) {
      try {
        pending.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(pending);
      Map<GroupKey, List<Request<?, ?, ?>>> groups = new LinkedHashMap<>();
      for (Request<?, ?, ?> r : pending) {
        groups.computeIfAbsent(new GroupKey(r.task(), r.planner()), k -> new ArrayList<>()).add(r);
      }
      pending.clear();
      for (List<Request<?, ?, ?>> group : groups.values()) {
        runGroup(sameTypes(group));
      }
    }
  }

  /**
   * Requests of one group have equal tasks, hence the same argument and sequence value types (a
   * request's text value type is its own: each request's future was made with its own group).
   */
  @SuppressWarnings("unchecked")
  private static <A, W> List<Request<A, W, Object>> sameTypes(List<Request<?, ?, ?>> group) {
    return (List<Request<A, W, Object>>) (List<?>) group;
  }

  private <A, W> void runGroup(List<Request<A, W, Object>> group) {
    Request<A, W, Object> first = group.get(0);
    List<int[]> all = new ArrayList<>();
    List<A> args = new ArrayList<>();
    for (Request<A, W, Object> r : group) {
      all.addAll(r.plans().ids());
      args.addAll(r.plans().args());
    }
    List<Outcome<W>> outcomes = new ArrayList<>(all.size());
    BatchStats stats =
        all.isEmpty()
            ? BatchStats.NONE // plans without sequences (e.g. fill-mask rows without a mask)
            : runIsolating(first.task(), first.planner(), all, args, outcomes);
    int at = 0;
    for (Request<A, W, Object> r : group) {
      int n = r.plans().ids().size();
      try {
        List<Outcome<Object>> perPlan = r.plans().combine(outcomes.subList(at, at + n));
        r.future()
            .complete(new Result<>(perPlan, r == first ? stats : BatchStats.NONE, group.size()));
      } catch (RuntimeException | Error e) { // the task sees it; this thread serves the others
        r.future().completeExceptionally(e);
      }
      at += n;
    }
  }

  /**
   * Runs {@code sequences}, appending one outcome each to {@code out}. A failed run is split in
   * halves and each half run again, so only the sequences that fail alone get an error.
   */
  private <A, V> BatchStats runIsolating(
      EncoderTask<A, V> task,
      BatchPlanner planner,
      List<int[]> sequences,
      List<A> args,
      List<Outcome<V>> out) {
    try {
      TaskResult<V> r = encoder.run(task, sequences, args, planner);
      r.values().forEach(v -> out.add(Outcome.of(v)));
      return r.stats();
    } catch (RuntimeException | Error failure) {
      if (sequences.size() == 1) {
        out.add(Outcome.failed("inference failed: " + failure));
        return BatchStats.NONE;
      }
      int half = sequences.size() / 2;
      return runIsolating(task, planner, sequences.subList(0, half), args.subList(0, half), out)
          .plus(
              runIsolating(
                  task,
                  planner,
                  sequences.subList(half, sequences.size()),
                  args.subList(half, args.size()),
                  out));
    }
  }
}
