package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.batch.BatchLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one batch needs on the device, owned by one {@link NDManager} that is closed when the
 * batch ends: token ids, the row/slot gathers, RoPE tables and attention masks (both built once and
 * shared by every layer of the batch).
 */
public final class BatchTensors implements AutoCloseable {
  private final NDManager manager;
  private final BatchLayout layout;
  private final DataType dtype;
  private final NDArray ids;
  private NDArray slotToRow;
  private NDArray rowToSlot;
  private final Map<String, Rope.Tables> rope = new HashMap<>();
  private final Map<String, NDArray> masks = new HashMap<>();

  public BatchTensors(
      NDManager parent, BatchLayout layout, List<int[]> sequences, int padId, DataType dtype) {
    this.manager = parent.newSubManager();
    this.layout = layout;
    this.dtype = dtype;
    this.ids = manager.create(layout.tokenIds(sequences, padId));
  }

  public BatchLayout layout() {
    return layout;
  }

  public NDManager manager() {
    return manager;
  }

  public DataType dtype() {
    return dtype;
  }

  NDArray ids() {
    return ids;
  }

  /** {@code [rows, C]} to the padded view {@code [batch * width, C]}. */
  public NDArray toSlots(NDArray rows) {
    if (layout.rowsAreSlots()) {
      return rows;
    }
    if (slotToRow == null) {
      slotToRow = cached(manager.create(layout.slotToRow()));
    }
    return Rows.gather(rows, slotToRow);
  }

  /** The given rows of a {@code [rows, C]} tensor. */
  public NDArray selectRows(NDArray rows, long[] indices) {
    return Rows.gather(rows, manager.create(indices));
  }

  /** {@code [batch * width, C]} back to {@code [rows, C]}. */
  NDArray toRows(NDArray slots) {
    if (layout.rowsAreSlots()) {
      return slots;
    }
    if (rowToSlot == null) {
      rowToSlot = cached(manager.create(layout.rowToSlot()));
    }
    return Rows.gather(slots, rowToSlot);
  }

  /** RoPE tables for this batch's width, built once per (theta, scale) and shared by layers. */
  Rope.Tables rope(double theta, int headDim, double scale) {
    return rope.computeIfAbsent(
        theta + "/" + scale,
        key -> {
          Rope.Tables t = Rope.tables(manager, layout.width(), headDim, theta, scale, dtype);
          return new Rope.Tables(cached(t.cos()), cached(t.signedSin()));
        });
  }

  /**
   * Additive mask of dtype {@code type} for queries {@code [q0, q1)} against keys {@code [k0, k1)}:
   * 0 where a key is visible, the dtype's lowest finite value (not -inf, so a fully masked padding
   * row never becomes NaN) where it is padding or (when {@code radius >= 0}) outside the window |q
   * - k| <= radius. Null when nothing in that block is masked. Cached: every layer of the same kind
   * reuses it.
   */
  NDArray mask(int radius, int q0, int q1, int k0, int k1, DataType type) {
    boolean band = radius >= 0 && (q1 - 1 - k0 > radius || k1 - 1 - q0 > radius);
    boolean keyPadding = false;
    for (int b = 0; b < layout.batchSize(); b++) {
      keyPadding |= layout.length(b) < k1;
    }
    if (!band && !keyPadding) {
      return null;
    }
    String key = type + ":" + radius + ":" + q0 + ":" + q1 + ":" + k0 + ":" + k1;
    return masks.computeIfAbsent(key, k -> buildMask(radius, band, q0, q1, k0, k1, type));
  }

  private NDArray buildMask(
      int radius, boolean band, int q0, int q1, int k0, int k1, DataType type) {
    float hiddenValue = type == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE;
    int batch = layout.batchSize();
    int queries = band ? q1 - q0 : 1; // key padding alone broadcasts over queries
    int keys = k1 - k0;
    float[] m = new float[batch * queries * keys];
    for (int b = 0; b < batch; b++) {
      int len = layout.length(b);
      for (int qi = 0; qi < queries; qi++) {
        int q = q0 + qi;
        for (int ki = 0; ki < keys; ki++) {
          int k = k0 + ki;
          boolean hidden = k >= len || (band && Math.abs(q - k) > radius);
          m[(b * queries + qi) * keys + ki] = hidden ? hiddenValue : 0f;
        }
      }
    }
    return cached(manager.create(m, new Shape(batch, 1, queries, keys)).toType(type, false));
  }

  /**
   * Takes a lazily built array out of the {@link NDScope} that is open while a layer runs: it lives
   * until the batch ends, shared by every later layer.
   */
  private static NDArray cached(NDArray array) {
    NDScope.unregister(array);
    return array;
  }

  @Override
  public void close() {
    manager.close();
  }
}
