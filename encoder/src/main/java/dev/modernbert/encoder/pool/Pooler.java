package dev.modernbert.encoder.pool;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.model.BatchTensors;

/** Pools {@code [rows, hidden]} to {@code [batch, hidden]} on the device. */
public final class Pooler {
  private Pooler() {}

  public static NDArray pool(
      NDArray hidden, BatchTensors batch, Pooling pooling, boolean normalize) {
    BatchLayout layout = batch.layout();
    int b = layout.batchSize();
    int width = layout.width();
    long h = hidden.getShape().get(1);
    NDArray padded = batch.toSlots(hidden).reshape(b, width, h);
    NDArray pooled;
    switch (pooling) {
      case CLS:
        pooled = padded.get(new NDIndex(":, 0"));
        break;
      case MEAN:
        {
          float[] valid = new float[b * width];
          float[] count = new float[b];
          for (int i = 0; i < b; i++) {
            for (int t = 0; t < layout.length(i); t++) {
              valid[i * width + t] = 1f;
            }
            count[i] = layout.length(i);
          }
          NDArray mask =
              batch
                  .manager()
                  .create(valid, new Shape(b, width, 1))
                  .toType(hidden.getDataType(), false);
          NDArray counts =
              batch.manager().create(count, new Shape(b, 1)).toType(hidden.getDataType(), false);
          pooled = padded.mul(mask).sum(new int[] {1}).div(counts);
          break;
        }
      default:
        throw new IllegalArgumentException(
            "pooling " + pooling + " must be resolved to cls or mean before pooling");
    }
    return normalize ? l2Normalize(pooled) : pooled;
  }

  /** {@code x / max(||x||, 1e-12)} per row, as torch.nn.functional.normalize. */
  public static NDArray l2Normalize(NDArray x) {
    NDArray norm = x.square().sum(new int[] {1}, true).sqrt().maximum(1e-12f);
    return x.div(norm);
  }
}
