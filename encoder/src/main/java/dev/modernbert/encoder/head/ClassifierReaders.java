package dev.modernbert.encoder.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.ModernBertEncoder.BatchReader;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Batch readers that run a classifier head on the device and bring back its logits. */
public final class ClassifierReaders {
  private ClassifierReaders() {}

  /**
   * Sequence classification as HF computes it: pool {@code last_hidden_state} first ({@code
   * pooling}: row 0, or the mean over real tokens), then {@code classifier(head(pooled))}. One
   * {@code [labels]} row per member.
   */
  public static BatchReader<float[]> sequenceLogits(ModernBertModel model, Pooling pooling) {
    return (hidden, batch, members) -> {
      NDArray pooled = Pooler.pool(hidden, batch, pooling, false);
      float[] flat = toFloats(model.classifierLogits(pooled));
      int labels = flat.length / members.length;
      List<float[]> out = new ArrayList<>(members.length);
      for (int i = 0; i < members.length; i++) {
        out.add(Arrays.copyOfRange(flat, i * labels, (i + 1) * labels));
      }
      return out;
    };
  }

  /** Token classification: {@code classifier(head(row))} for every token; {@code [len][labels]}. */
  public static BatchReader<float[][]> tokenLogits(ModernBertModel model) {
    return (hidden, batch, members) -> {
      float[] flat = toFloats(model.classifierLogits(hidden));
      BatchLayout layout = batch.layout();
      int labels = (int) (flat.length / hidden.getShape().get(0));
      List<float[][]> out = new ArrayList<>(members.length);
      for (int b = 0; b < layout.batchSize(); b++) {
        float[][] seq = new float[layout.length(b)][];
        for (int t = 0; t < seq.length; t++) {
          int row = layout.rowStart(b) + t;
          seq[t] = Arrays.copyOfRange(flat, row * labels, (row + 1) * labels);
        }
        out.add(seq);
      }
      return out;
    };
  }

  private static float[] toFloats(NDArray a) {
    return a.getDataType() == DataType.FLOAT32
        ? a.toFloatArray()
        : a.toType(DataType.FLOAT32, false).toFloatArray();
  }
}
