package dev.modernbert.encoder.batch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Cuts a window of sequences into batches. Sequences are sorted longest first (ties keep input
 * order), then packed greedily while the batch's padded size {@code rows x longest} stays within
 * {@code batchTokens} and its rows within {@code maxRows}. A sequence longer than the budget runs
 * alone. Each batch lists input positions, so callers put outputs back in input order.
 */
public record BatchPlanner(int batchTokens, int maxRows) implements java.io.Serializable {
  /**
   * 4,096 padded tokens: best on a 2-core CPU (larger batches leave the caches; see
   * docs/performance.md). GPUs want larger budgets (e.g. 32,768).
   */
  public static final int DEFAULT_BATCH_TOKENS = 4096;

  public static final int DEFAULT_MAX_BATCH_ROWS = 256;

  /**
   * 32,768 padded tokens on a GPU: a 4,096-token batch leaves a GPU waiting for the host's kernel
   * launches (docs/gpu.md). Applies where the CPU default was left in place ({@link #forDevice}).
   */
  public static final int DEFAULT_GPU_BATCH_TOKENS = 32768;

  public static final int DEFAULT_GPU_MAX_BATCH_ROWS = 1024;

  public BatchPlanner {
    if (batchTokens <= 0) {
      throw new IllegalArgumentException("batchTokens must be positive, got " + batchTokens);
    }
    if (maxRows <= 0) {
      throw new IllegalArgumentException("maxBatchRows must be positive, got " + maxRows);
    }
  }

  public static BatchPlanner defaults() {
    return new BatchPlanner(DEFAULT_BATCH_TOKENS, DEFAULT_MAX_BATCH_ROWS);
  }

  /** The default planner for a GPU ({@code gpu}) or the CPU. */
  public static BatchPlanner defaults(boolean gpu) {
    return gpu
        ? new BatchPlanner(DEFAULT_GPU_BATCH_TOKENS, DEFAULT_GPU_MAX_BATCH_ROWS)
        : defaults();
  }

  /**
   * This planner for a model on a GPU ({@code gpu}) or the CPU: on a GPU, a setting left at its CPU
   * default ({@link #DEFAULT_BATCH_TOKENS}, {@link #DEFAULT_MAX_BATCH_ROWS}) becomes the GPU
   * default ({@link #DEFAULT_GPU_BATCH_TOKENS}, {@link #DEFAULT_GPU_MAX_BATCH_ROWS}); any other
   * value is kept. On the CPU nothing changes. The one rule for the CLI, the Java API and Spark's
   * executors.
   */
  public BatchPlanner forDevice(boolean gpu) {
    if (!gpu) {
      return this;
    }
    return new BatchPlanner(
        batchTokens == DEFAULT_BATCH_TOKENS ? DEFAULT_GPU_BATCH_TOKENS : batchTokens,
        maxRows == DEFAULT_MAX_BATCH_ROWS ? DEFAULT_GPU_MAX_BATCH_ROWS : maxRows);
  }

  /** Padded tokens of a batch: {@code rows x longest}, what the budget counts. */
  public static long paddedTokens(int[] lengths, int[] members) {
    int longest = 0;
    for (int m : members) {
      longest = Math.max(longest, lengths[m]);
    }
    return (long) longest * members.length;
  }

  public List<int[]> plan(int[] lengths) {
    Integer[] order = IntStream.range(0, lengths.length).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingInt((Integer i) -> -lengths[i])); // stable
    List<int[]> batches = new ArrayList<>();
    List<Integer> current = new ArrayList<>();
    int longest = 0;
    for (int i : order) {
      int width = Math.max(longest, lengths[i]);
      boolean fits = (long) (current.size() + 1) * width <= batchTokens && current.size() < maxRows;
      if (!current.isEmpty() && !fits) {
        batches.add(current.stream().mapToInt(Integer::intValue).toArray());
        current.clear();
        width = lengths[i];
      }
      current.add(i);
      longest = width;
    }
    if (!current.isEmpty()) {
      batches.add(current.stream().mapToInt(Integer::intValue).toArray());
    }
    return batches;
  }

  /** The naive plan: input order, consecutive groups of {@code rows}. */
  public static List<int[]> fixedRows(int count, int rows) {
    List<int[]> batches = new ArrayList<>();
    for (int start = 0; start < count; start += rows) {
      batches.add(IntStream.range(start, Math.min(count, start + rows)).toArray());
    }
    return batches;
  }
}
