package dev.modernbert.spark.executor;

import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One worker thread per loaded model (so per device), shared by every task of the executor. Tasks
 * tokenize on their own threads and {@link #submit} sequences; the worker takes everything pending
 * in its queue, groups it by (pooling, normalize), and runs each group through the encoder, which
 * sorts the group by length and cuts it into token-budget batches. So rows of concurrent tasks
 * share batches while the tasks prepare their next input. The encoder is batch-independent (the
 * same row gives the same vector within 1e-5 whatever shares its batch), so results equal
 * single-task execution.
 *
 * <p>A group that fails is retried request by request, so one task's bad input never fails another
 * task's rows.
 */
public final class DeviceRunner {
  /** What a request gets back: vectors in submission order, plus its share of the statistics. */
  public record Result(List<float[]> vectors, long batches, long paddedTokens, long computeNanos) {}

  private record Request(
      List<int[]> sequences,
      Pooling pooling,
      boolean normalize,
      CompletableFuture<Result> future) {}

  private record GroupKey(Pooling pooling, boolean normalize) {}

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

  /** Queues sequences for embedding; the future completes when the worker has run them. */
  public CompletableFuture<Result> submit(
      List<int[]> sequences, Pooling pooling, boolean normalize) {
    CompletableFuture<Result> future = new CompletableFuture<>();
    if (sequences.isEmpty()) {
      future.complete(new Result(List.of(), 0, 0, 0));
      return future;
    }
    queue.add(new Request(List.copyOf(sequences), pooling, normalize, future));
    return future;
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
      Map<GroupKey, List<Request>> groups = new LinkedHashMap<>();
      for (Request r : pending) {
        groups
            .computeIfAbsent(new GroupKey(r.pooling(), r.normalize()), k -> new ArrayList<>())
            .add(r);
      }
      pending.clear();
      for (Map.Entry<GroupKey, List<Request>> g : groups.entrySet()) {
        runGroup(g.getKey(), g.getValue());
      }
    }
  }

  private void runGroup(GroupKey key, List<Request> group) {
    try {
      List<int[]> all = new ArrayList<>();
      for (Request r : group) {
        all.addAll(r.sequences());
      }
      long t0 = System.nanoTime();
      List<float[]> vectors = embed(all, key.pooling(), key.normalize());
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
        List<float[]> mine = vectors.subList(at, at + r.sequences().size());
        at += r.sequences().size();
        // group-wide statistics go to the first request, so the accumulators sum exactly
        r.future()
            .complete(
                first
                    ? new Result(new ArrayList<>(mine), batches, padded, nanos)
                    : new Result(new ArrayList<>(mine), 0, 0, 0));
        first = false;
      }
    } catch (Throwable t) {
      if (group.size() > 1) {
        for (Request r : group) {
          runGroup(key, List.of(r));
        }
      } else {
        group.get(0).future().completeExceptionally(t);
      }
    }
  }

  /** The encoder's embed, read back as float32 whatever the compute dtype. */
  private List<float[]> embed(List<int[]> sequences, Pooling pooling, boolean normalize) {
    return encoder.run(
        sequences,
        (hidden, batch, members) -> {
          float[] flat =
              Pooler.pool(hidden, batch, pooling, normalize)
                  .toType(DataType.FLOAT32, false)
                  .toFloatArray();
          int width = flat.length / members.length;
          List<float[]> out = new ArrayList<>(members.length);
          for (int r = 0; r < members.length; r++) {
            out.add(Arrays.copyOfRange(flat, r * width, (r + 1) * width));
          }
          return out;
        });
  }
}
