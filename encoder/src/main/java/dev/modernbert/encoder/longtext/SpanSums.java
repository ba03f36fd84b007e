package dev.modernbert.encoder.longtext;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TaskBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Late chunking's per-window step: the sums of the token vectors a window owns, per output span.
 * Only these sums leave the batch, so a long text never needs all its token vectors at once, and
 * little crosses from the device to the host.
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

  /**
   * One float32 product on the device, {@code A · hidden} with {@code A[s, r] = 1} where row {@code
   * r} is owned by span {@code s}: only {@code [spans, hidden]} values come back to the host.
   */
  @Override
  public List<Sums> read(TaskBatch<Rows> batch) {
    int[] first = new int[batch.size()];
    int[] count = new int[batch.size()];
    int total = 0;
    for (int b = 0; b < batch.size(); b++) {
      int[] spans = batch.arg(b).spanOfRow();
      first[b] = spans.length == 0 ? 0 : spans[0];
      count[b] = spans.length == 0 ? 0 : spans[spans.length - 1] - first[b] + 1;
      total += count[b];
    }
    NDArray hidden = batch.hidden();
    int rows = Math.toIntExact(hidden.getShape().get(0));
    float[] assign = new float[total * rows];
    int[][] counts = new int[batch.size()][];
    int at = 0;
    for (int b = 0; b < batch.size(); b++) {
      Rows r = batch.arg(b);
      counts[b] = new int[count[b]];
      int row0 = batch.layout().rowStart(b) + r.firstRow();
      for (int i = 0; i < r.spanOfRow().length; i++) {
        int span = r.spanOfRow()[i] - first[b];
        assign[(at + span) * rows + row0 + i] = 1f;
        counts[b][span]++;
      }
      at += count[b];
    }
    // In float32 whatever the model's dtype: a span's sum over many tokens overflows float16.
    NDArray a = hidden.getManager().create(assign, new Shape(total, rows));
    List<float[]> sums = TaskBatch.rows(a.matMul(Pooler.float32(hidden)));
    List<Sums> out = new ArrayList<>(batch.size());
    at = 0;
    for (int b = 0; b < batch.size(); b++) {
      double[][] mine = new double[count[b]][];
      for (int s = 0; s < count[b]; s++) {
        float[] v = sums.get(at + s);
        mine[s] = new double[v.length];
        for (int d = 0; d < v.length; d++) {
          mine[s][d] = v[d];
        }
      }
      at += count[b];
      out.add(new Sums(first[b], mine, counts[b]));
    }
    return out;
  }
}
