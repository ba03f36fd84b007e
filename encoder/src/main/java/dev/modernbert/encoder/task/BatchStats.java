package dev.modernbert.encoder.task;

/**
 * What running some sequences cost.
 *
 * @param batches forward passes
 * @param realTokens tokens of the sequences (what throughput counts)
 * @param paddedTokens {@code rows x longest} summed over batches (the padded size the budget
 *     counts)
 * @param computeNanos wall time of the forward passes and reads
 */
public record BatchStats(long batches, long realTokens, long paddedTokens, long computeNanos) {
  public static final BatchStats NONE = new BatchStats(0, 0, 0, 0);

  public BatchStats plus(BatchStats o) {
    return new BatchStats(
        batches + o.batches,
        realTokens + o.realTokens,
        paddedTokens + o.paddedTokens,
        computeNanos + o.computeNanos);
  }
}
