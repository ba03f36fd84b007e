package dev.modernbert.encoder.task;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.model.BatchTensors;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.pipeline.PoolingModule;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One batch after the forward pass, as an {@link EncoderTask} reads it: {@code last_hidden_state}
 * as {@code [rows, hidden]}, the batch's layout, its sequences and their arguments (batch order),
 * and the one copy of each way of bringing device values back as Java arrays. Tensors made here
 * belong to the batch and are freed with it.
 */
public final class TaskBatch<A> {
  private final LoadedModel loaded;
  private final BatchTensors tensors;
  private final NDArray hidden;
  private final List<int[]> sequences;
  private final List<A> args;

  TaskBatch(
      LoadedModel loaded,
      BatchTensors tensors,
      NDArray hidden,
      List<int[]> sequences,
      List<A> args) {
    this.loaded = loaded;
    this.tensors = tensors;
    this.hidden = hidden;
    this.sequences = sequences;
    this.args = args;
  }

  /** A batch view; the encoder makes one per batch it runs. */
  public static <A> TaskBatch<A> of(
      LoadedModel loaded,
      BatchTensors tensors,
      NDArray hidden,
      List<int[]> sequences,
      List<A> args) {
    return new TaskBatch<>(loaded, tensors, hidden, sequences, args);
  }

  /** The checkpoint the batch ran through. */
  public LoadedModel loaded() {
    return loaded;
  }

  public ModernBertModel model() {
    return loaded.model();
  }

  /** {@code last_hidden_state}: {@code [rows, hidden]}, rows laid out as {@link #layout}. */
  public NDArray hidden() {
    return hidden;
  }

  public BatchLayout layout() {
    return tensors.layout();
  }

  public int size() {
    return sequences.size();
  }

  /** Sequence {@code i}'s token ids. */
  public int[] ids(int i) {
    return sequences.get(i);
  }

  /** Sequence {@code i}'s argument (null for tasks without arguments). */
  public A arg(int i) {
    return args == null ? null : args.get(i);
  }

  /**
   * One pooled vector per sequence over all its tokens, {@code [batch, width]} ({@code AUTO}: the
   * modes of the checkpoint's Pooling module).
   */
  public NDArray pooled(Pooling pooling, boolean normalize) {
    if (pooling == Pooling.AUTO) {
      NDArray p = pooled(loaded.pipeline().pooling(), new int[size()]);
      return normalize ? Pooler.l2Normalize(p) : p;
    }
    return Pooler.pool(hidden, tensors, pooling, normalize);
  }

  /**
   * {@code module}'s pooling, {@code [batch, modes x hidden]}; sequence {@code b} pools its
   * positions from {@code firstPooled[b]} on (after a prompt that is not pooled).
   */
  public NDArray pooled(PoolingModule module, int[] firstPooled) {
    return module.pool(hidden, tensors, firstPooled);
  }

  /** The given rows of a {@code [rows, C]} tensor. */
  public NDArray selectRows(NDArray rows, long[] indices) {
    return tensors.selectRows(rows, indices);
  }

  /** A tensor's values as float32, whatever the compute dtype. */
  public static float[] floats(NDArray a) {
    return a.getDataType() == DataType.FLOAT32
        ? a.toFloatArray()
        : a.toType(DataType.FLOAT32, false).toFloatArray();
  }

  /** {@code [n, width]} as {@code n} rows of {@code width}. */
  public static List<float[]> rows(NDArray a) {
    float[] flat = floats(a);
    int n = Math.toIntExact(a.getShape().get(0));
    int width = n == 0 ? 0 : flat.length / n;
    List<float[]> out = new ArrayList<>(n);
    for (int r = 0; r < n; r++) {
      out.add(Arrays.copyOfRange(flat, r * width, (r + 1) * width));
    }
    return out;
  }

  /** A per-token {@code [rows, width]} tensor as each sequence's {@code [length][width]}. */
  public List<float[][]> perSequence(NDArray tokenRows) {
    List<float[]> all = rows(tokenRows);
    BatchLayout layout = layout();
    List<float[][]> out = new ArrayList<>(layout.batchSize());
    for (int b = 0; b < layout.batchSize(); b++) {
      int start = layout.rowStart(b);
      out.add(all.subList(start, start + layout.length(b)).toArray(new float[0][]));
    }
    return out;
  }

  /**
   * Rows at per-sequence token positions: {@code positions.get(b)} are positions within sequence
   * {@code b}. Returns {@code [sum of counts, C]} rows of {@code tokenRows}, sequence by sequence.
   */
  public NDArray rowsAt(NDArray tokenRows, List<int[]> positions) {
    BatchLayout layout = layout();
    long[] idx = new long[positions.stream().mapToInt(p -> p.length).sum()];
    int k = 0;
    for (int b = 0; b < positions.size(); b++) {
      for (int p : positions.get(b)) {
        idx[k++] = layout.rowStart(b) + p;
      }
    }
    return selectRows(tokenRows, idx);
  }

  /** Splits rows read sequence by sequence back into {@code counts.get(b)} rows per sequence. */
  public static List<float[][]> regroup(List<float[]> rows, List<int[]> counts) {
    List<float[][]> out = new ArrayList<>(counts.size());
    int r = 0;
    for (int[] c : counts) {
      out.add(rows.subList(r, r + c.length).toArray(new float[0][]));
      r += c.length;
    }
    return out;
  }
}
