package dev.modernbert.encoder.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.model.BatchTensors;
import dev.modernbert.encoder.runtime.DeviceTransfers;
import java.util.Arrays;
import java.util.List;

/**
 * Pools {@code [rows, hidden]} to {@code [batch, hidden]} per mode on the device, as
 * sentence-transformers 5.7 does. Sequence {@code b} pools its positions {@code firstPooled[b] ..
 * length-1}: 0 for all, or the prompt's length when the prompt is excluded ({@code include_prompt}
 * false). Several modes are concatenated in the order given.
 */
public final class Pooler {
  private Pooler() {}

  /** One mode over all real tokens, optionally L2-normalised (the classifier heads' pooling). */
  public static NDArray pool(
      NDArray hidden, BatchTensors batch, Pooling pooling, boolean normalize) {
    NDArray pooled = pool(hidden, batch, List.of(pooling), new int[batch.layout().batchSize()]);
    return normalize ? l2Normalize(pooled) : pooled;
  }

  /**
   * The concatenation of {@code modes} ({@code [batch, modes x hidden]}).
   *
   * @param firstPooled per sequence, the first position pooled (below its length)
   */
  public static NDArray pool(
      NDArray hidden, BatchTensors batch, List<Pooling> modes, int[] firstPooled) {
    BatchLayout layout = batch.layout();
    int b = layout.batchSize();
    for (int i = 0; i < b; i++) {
      if (firstPooled[i] < 0 || firstPooled[i] >= layout.length(i)) {
        throw new IllegalArgumentException(
            "sequence "
                + i
                + " has "
                + layout.length(i)
                + " tokens and none is left to pool after the first "
                + firstPooled[i]
                + " (the prompt's)");
      }
    }
    NDList parts = new NDList(modes.size());
    for (Pooling mode : modes) {
      parts.add(poolOne(hidden, batch, mode, firstPooled));
    }
    return parts.size() == 1 ? parts.singletonOrThrow() : NDArrays.concat(parts, 1);
  }

  private static NDArray poolOne(
      NDArray hidden, BatchTensors batch, Pooling mode, int[] firstPooled) {
    BatchLayout layout = batch.layout();
    int b = layout.batchSize();
    switch (mode) {
      case CLS:
      case LASTTOKEN:
        {
          long[] rows = new long[b];
          for (int i = 0; i < b; i++) {
            int position = mode == Pooling.CLS ? firstPooled[i] : layout.length(i) - 1;
            rows[i] = layout.rowStart(i) + position;
          }
          return batch.selectRows(hidden, rows);
        }
      case MEAN:
      case MEAN_SQRT_LEN:
      case WEIGHTEDMEAN:
        {
          int width = layout.width();
          float[] weights = new float[b * width];
          float[] totals = new float[b];
          for (int i = 0; i < b; i++) {
            for (int t = firstPooled[i]; t < layout.length(i); t++) {
              // weightedmean: the 1-based position in the whole sequence, prompt included
              float w = mode == Pooling.WEIGHTEDMEAN ? t + 1 : 1f;
              weights[i * width + t] = w;
              totals[i] += w;
            }
            if (mode == Pooling.MEAN_SQRT_LEN) {
              totals[i] = (float) Math.sqrt(totals[i]);
            }
          }
          // Weights, products, sums and divisor in float32 whatever the model's dtype: in float16
          // the weightedmean total passes 65504 at 362 tokens, and sums over long sequences
          // overflow. The result goes back to the model's dtype (means are bounded by the token
          // values; mean_sqrt_len overflows only past sqrt(n) x |value| = 65504), so the heads
          // and modules after pooling see the dtype they always did; in float32 nothing is cast.
          NDArray padded = float32(padded(hidden, batch));
          NDManager m = batch.manager();
          NDArray w = DeviceTransfers.upload(m, weights, new Shape(b, width, 1));
          NDArray divisor = DeviceTransfers.upload(m, totals, new Shape(b, 1));
          return padded.mul(w).sum(new int[] {1}).div(divisor).toType(hidden.getDataType(), false);
        }
      case MAX:
        {
          // Positions not pooled (prompt, padding) get -inf added, so they are never a maximum;
          // pooled ones get 0 added, which leaves them exact.
          int width = layout.width();
          float[] penalty = new float[b * width];
          Arrays.fill(penalty, Float.NEGATIVE_INFINITY);
          for (int i = 0; i < b; i++) {
            for (int t = firstPooled[i]; t < layout.length(i); t++) {
              penalty[i * width + t] = 0f;
            }
          }
          NDArray padded = padded(hidden, batch);
          NDArray add =
              DeviceTransfers.upload(batch.manager(), penalty, new Shape(b, width, 1))
                  .toType(hidden.getDataType(), false);
          return padded.add(add).max(new int[] {1});
        }
      default:
        throw new IllegalArgumentException(
            "pooling " + mode.id() + " must be resolved to a mode before pooling");
    }
  }

  /** {@code [batch, width, hidden]}: each sequence's rows at its slots (padding: any row). */
  private static NDArray padded(NDArray hidden, BatchTensors batch) {
    BatchLayout layout = batch.layout();
    return batch
        .toSlots(hidden)
        .reshape(layout.batchSize(), layout.width(), hidden.getShape().get(1));
  }

  /**
   * {@code x / max(||x||, 1e-12)} per row, as torch.nn.functional.normalize, computed in float32
   * whatever {@code x}'s dtype (in float16 squares below 6e-8 vanish and the 1e-12 floor is 0, so a
   * tiny row would become inf and a zero row NaN); the result (at most 1 in magnitude) is in {@code
   * x}'s dtype. In float32 nothing is cast.
   */
  public static NDArray l2Normalize(NDArray x) {
    NDArray x32 = float32(x);
    NDArray norm = x32.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
    return x32.div(norm).toType(x.getDataType(), false);
  }

  /** {@code x} as float32: itself when it already is (no copy, float32 results unchanged). */
  public static NDArray float32(NDArray x) {
    return x.getDataType() == DataType.FLOAT32 ? x : x.toType(DataType.FLOAT32, false);
  }
}
