package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.task.BatchStats;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TaskResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One worker thread per loaded model (so per device), shared by every task of the executor. Tasks
 * tokenize on their own threads and {@link #submit} sequences with an {@link EncoderTask} and a
 * {@link BatchPlanner}; the worker takes everything pending, groups it by (task, planner) (equal
 * tasks share batches), and runs each group through {@link ModernBertEncoder#run}, which sorts the
 * group by length and cuts it into token-budget batches. So rows of concurrent tasks share batches
 * while the tasks prepare their next input. The encoder is batch-independent (the same row gives
 * the same output within 1e-5 whatever shares its batch), so results equal single-task execution.
 *
 * <p>This is the one failure-isolation layer: a run that fails is split in halves until the failing
 * sequences are found; they get the error, every other sequence its value. So one task's bad input
 * never fails another task's rows.
 */
public final class DeviceRunner {
  /**
   * What a request gets back: one outcome per submitted sequence, in submission order; its share of
   * the statistics (a group's batches, tokens and time go to its first request, so sums over
   * requests are exact); and how many requests shared the group.
   */
  public record Result<V>(List<Outcome<V>> outcomes, BatchStats stats, int requestsInGroup) {}

  private record Request<A, V>(
      EncoderTask<A, V> task,
      BatchPlanner planner,
      List<int[]> sequences,
      List<A> args,
      CompletableFuture<Result<V>> future) {}

  /** Requests that may share batches: equal tasks under equal planners. */
  private record GroupKey(EncoderTask<?, ?> task, BatchPlanner planner) {}

  private final ModernBertEncoder encoder;
  private final LinkedBlockingQueue<Request<?, ?>> queue = new LinkedBlockingQueue<>();
  private final Thread worker;

  public DeviceRunner(ModernBertEncoder encoder, String name) {
    this.encoder = encoder;
    this.worker = new Thread(this::loop, "modernbert-runner-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues sequences; the future completes when the worker has run them.
   *
   * @param args one argument per sequence ({@link EncoderTask#argument})
   */
  public <A, V> CompletableFuture<Result<V>> submit(
      EncoderTask<A, V> task, BatchPlanner planner, List<int[]> sequences, List<A> args) {
    if (args.size() != sequences.size()) {
      throw new IllegalArgumentException("one argument per sequence is needed");
    }
    CompletableFuture<Result<V>> future = new CompletableFuture<>();
    if (sequences.isEmpty()) {
      future.complete(new Result<>(List.of(), BatchStats.NONE, 1));
    } else {
      queue.add(
          new Request<>(task, planner, List.copyOf(sequences), new ArrayList<>(args), future));
    }
    return future;
  }

  private void loop() {
    List<Request<?, ?>> pending = new ArrayList<>();
    while (true) {
      try {
        pending.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(pending);
      Map<GroupKey, List<Request<?, ?>>> groups = new LinkedHashMap<>();
      for (Request<?, ?> r : pending) {
        groups.computeIfAbsent(new GroupKey(r.task(), r.planner()), k -> new ArrayList<>()).add(r);
      }
      pending.clear();
      for (List<Request<?, ?>> group : groups.values()) {
        runGroup(sameTypes(group));
      }
    }
  }

  /** Requests of one group have equal tasks, hence the same argument and value types. */
  @SuppressWarnings("unchecked")
  private static <A, V> List<Request<A, V>> sameTypes(List<Request<?, ?>> group) {
    return (List<Request<A, V>>) (List<?>) group;
  }

  private <A, V> void runGroup(List<Request<A, V>> group) {
    Request<A, V> first = group.get(0);
    List<int[]> all = new ArrayList<>();
    List<A> args = new ArrayList<>();
    for (Request<A, V> r : group) {
      all.addAll(r.sequences());
      args.addAll(r.args());
    }
    List<Outcome<V>> outcomes = new ArrayList<>(all.size());
    BatchStats stats = runIsolating(first.task(), first.planner(), all, args, outcomes);
    int at = 0;
    for (Request<A, V> r : group) {
      List<Outcome<V>> mine = List.copyOf(outcomes.subList(at, at + r.sequences().size()));
      at += r.sequences().size();
      r.future().complete(new Result<>(mine, r == first ? stats : BatchStats.NONE, group.size()));
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
