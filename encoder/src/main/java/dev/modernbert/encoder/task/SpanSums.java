package dev.modernbert.encoder.task;

import java.util.ArrayList;
import java.util.List;

/**
 * Late chunking's per-window step: the sums of the token vectors a window owns, per output span.
 * Only these sums leave the batch, so a long text never needs all its token vectors at once.
 */
public record SpanSums() implements EncoderTask<SpanSums.Rows, SpanSums.Sums> {

  /**
   * Which rows of a window's sequence go to which span.
   *
   * @param firstRow the sequence row of the first owned token
   * @param spanOfRow the span of each owned token, in order (non-decreasing)
   */
  public record Rows(int firstRow, int[] spanOfRow) {}

  /** Sums of owned token vectors (float64) and their counts, for spans {@code firstSpan...}. */
  public record Sums(int firstSpan, double[][] sums, int[] counts) {}

  @Override
  public String name() {
    return "embed";
  }

  @Override
  public List<Sums> read(TaskBatch<Rows> batch) {
    List<float[][]> hidden = batch.perSequence(batch.hidden());
    List<Sums> out = new ArrayList<>(hidden.size());
    for (int b = 0; b < hidden.size(); b++) {
      Rows rows = batch.arg(b);
      float[][] h = hidden.get(b);
      int[] spans = rows.spanOfRow();
      int first = spans.length == 0 ? 0 : spans[0];
      int count = spans.length == 0 ? 0 : spans[spans.length - 1] - first + 1;
      double[][] sums = new double[count][h.length == 0 ? 0 : h[0].length];
      int[] counts = new int[count];
      for (int i = 0; i < spans.length; i++) {
        double[] acc = sums[spans[i] - first];
        float[] row = h[rows.firstRow() + i];
        for (int d = 0; d < acc.length; d++) {
          acc[d] += row[d];
        }
        counts[spans[i] - first]++;
      }
      out.add(new Sums(first, sums, counts));
    }
    return out;
  }
}
