package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One worker thread per loaded model (so per device), shared by every task of the executor, for
 * every head (embeddings, classifiers, fill-mask). Tasks tokenize on their own threads and {@link
 * #submit} sequences with a {@link DeviceHead}; the worker takes everything pending in its queue,
 * groups it by head (equal heads share batches), and runs each group through the encoder with the
 * head's batch reader; the encoder sorts the group by length and cuts it into token-budget batches.
 * So rows of concurrent tasks share batches while the tasks prepare their next input. The encoder
 * is batch-independent (the same row gives the same output within 1e-5 whatever shares its batch),
 * so results equal single-task execution.
 *
 * <p>A group that fails is retried request by request, so one task's bad input never fails another
 * task's rows.
 */
public final class DeviceRunner {
  /** What an embedding request gets back: vectors in submission order, plus its statistics. */
  public record Result(List<float[]> vectors, long batches, long paddedTokens, long computeNanos) {}

  /**
   * What a request gets back: one value per submitted sequence, in submission order, plus its share
   * of the statistics (a group's batches, padded tokens and time go to its first request, so sums
   * over requests are exact).
   */
  public record Output<V>(List<V> values, long batches, long paddedTokens, long computeNanos) {}

  private record Request(
      DeviceHead<Object, Object> head,
      List<int[]> sequences,
      List<Object> args,
      CompletableFuture<Output<Object>> future) {}

  private final ModernBertEncoder encoder;
  private final BatchPlanner planner;
  private final LinkedBlockingQueue<Request> queue = new LinkedBlockingQueue<>();
  private final Thread worker;

  public DeviceRunner(ModernBertEncoder encoder, String name) {
    this.encoder = encoder;
    this.planner =
        new BatchPlanner(encoder.options().batchTokens(), encoder.options().maxBatchRows());
    this.worker = new Thread(this::loop, "modernbert-runner-" + name);
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues sequences for {@code head}; the future completes when the worker has run them. {@code
   * args} holds one argument per sequence, or is null when the head takes none.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  public <A, V> CompletableFuture<Output<V>> submit(
      DeviceHead<A, V> head, List<int[]> sequences, List<A> args) {
    if (args != null && args.size() != sequences.size()) {
      throw new IllegalArgumentException("one argument per sequence is needed");
    }
    CompletableFuture<Output<Object>> future = new CompletableFuture<>();
    if (sequences.isEmpty()) {
      future.complete(new Output<>(List.of(), 0, 0, 0));
    } else {
      List<Object> a =
          args == null
              ? Collections.nCopies(sequences.size(), null)
              : new ArrayList<>((List<Object>) args);
      queue.add(new Request((DeviceHead) head, List.copyOf(sequences), a, future));
    }
    return (CompletableFuture) future;
  }

  /** Queues sequences for embedding (pooled, optionally normalised vectors). */
  public CompletableFuture<Result> submit(
      List<int[]> sequences, Pooling pooling, boolean normalize) {
    return submit(new DeviceHeads.Pooled(pooling, normalize), sequences, null)
        .thenApply(o -> new Result(o.values(), o.batches(), o.paddedTokens(), o.computeNanos()));
  }

  private void loop() {
    List<Request> pending = new ArrayList<>();
    while (true) {
      try {
        pending.add(queue.take());
      } catch (InterruptedException e) {
        return;
      }
      queue.drainTo(pending);
      Map<DeviceHead<Object, Object>, List<Request>> groups = new LinkedHashMap<>();
      for (Request r : pending) {
        groups.computeIfAbsent(r.head(), k -> new ArrayList<>()).add(r);
      }
      pending.clear();
      for (Map.Entry<DeviceHead<Object, Object>, List<Request>> g : groups.entrySet()) {
        runGroup(g.getKey(), g.getValue());
      }
    }
  }

  private void runGroup(DeviceHead<Object, Object> head, List<Request> group) {
    try {
      List<int[]> all = new ArrayList<>();
      List<Object> args = new ArrayList<>();
      for (Request r : group) {
        all.addAll(r.sequences());
        args.addAll(r.args());
      }
      long t0 = System.nanoTime();
      List<Object> values = encoder.run(all, head.reader(encoder, args));
      long nanos = System.nanoTime() - t0;
      int[] lengths = all.stream().mapToInt(s -> s.length).toArray();
      long batches = 0;
      long padded = 0;
      for (int[] members : planner.plan(lengths)) {
        int longest = 0;
        for (int m : members) {
          longest = Math.max(longest, lengths[m]);
        }
        batches++;
        padded += (long) longest * members.length;
      }
      int at = 0;
      boolean first = true;
      for (Request r : group) {
        List<Object> mine = new ArrayList<>(values.subList(at, at + r.sequences().size()));
        at += r.sequences().size();
        r.future()
            .complete(
                first ? new Output<>(mine, batches, padded, nanos) : new Output<>(mine, 0, 0, 0));
        first = false;
      }
    } catch (Throwable t) {
      if (group.size() > 1) {
        for (Request r : group) {
          runGroup(head, List.of(r));
        }
      } else {
        group.get(0).future().completeExceptionally(t);
      }
    }
  }
}
