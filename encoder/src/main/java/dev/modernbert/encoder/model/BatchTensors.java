package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.runtime.DeviceTransfers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything one batch needs on the device, owned by one {@link NDManager} that is closed when the
 * batch ends: token ids, the row/slot gathers, RoPE tables and attention masks (all built once and
 * shared by every layer of the batch).
 *
 * <p>One upload per batch: the token ids and the sequence lengths travel as one int64 vector
 * ({@link BatchLayout#tokenIdsAndLengths}); every gather index, position, mask and RoPE table is
 * then built on the device from the lengths (arange comparisons, cumsum), so a batch waits for a
 * GPU once, whatever its length and however many layers the model has ({@link DeviceTransfers}).
 */
public final class BatchTensors implements AutoCloseable {
  private final NDManager manager;
  private final BatchLayout layout;
  private final DataType dtype;
  private final Rope.Constants ropeConstants;
  private final NDArray ids;
  private final NDArray lengths; // int64 [batch]
  private NDArray rowStart;
  private NDArray slotToRow;
  private NDArray rowToSlot;
  private NDArray positions;
  private NDArray cuSeqlens;
  private final Map<String, Rope.Tables> rope = new HashMap<>();
  private final Map<String, NDArray> masks = new HashMap<>();

  public BatchTensors(
      NDManager parent, BatchLayout layout, List<int[]> sequences, int padId, DataType dtype) {
    this(parent, layout, sequences, padId, dtype, null);
  }

  /** {@code ropeConstants}: the model's (uploaded once); null builds them for this batch. */
  BatchTensors(
      NDManager parent,
      BatchLayout layout,
      List<int[]> sequences,
      int padId,
      DataType dtype,
      Rope.Constants ropeConstants) {
    this.manager = parent.newSubManager();
    this.layout = layout;
    this.dtype = dtype;
    this.ropeConstants = ropeConstants;
    int rows = layout.rows();
    NDArray packed = DeviceTransfers.upload(manager, layout.tokenIdsAndLengths(sequences, padId));
    this.ids = packed.get(new NDIndex("0:{}", rows));
    this.lengths = packed.get(new NDIndex("{}:", rows));
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
      slotToRow = cached(buildSlotToRow());
    }
    return Rows.gather(rows, slotToRow);
  }

  /** The given rows of a {@code [rows, C]} tensor. */
  public NDArray selectRows(NDArray rows, long[] indices) {
    return Rows.gather(rows, DeviceTransfers.upload(manager, indices));
  }

  /** {@code [batch * width, C]} back to {@code [rows, C]}. */
  NDArray toRows(NDArray slots) {
    if (layout.rowsAreSlots()) {
      return slots;
    }
    if (rowToSlot == null) {
      rowToSlot = cached(buildRowToSlot());
    }
    return Rows.gather(slots, rowToSlot);
  }

  /** RoPE tables for this batch's width, built once per (theta, scale) and shared by layers. */
  Rope.Tables rope(double theta, int headDim, double scale) {
    return rope.computeIfAbsent(
        theta + "/" + scale,
        key -> {
          Rope.Constants c = constants(headDim);
          Rope.Tables t =
              Rope.tables(manager, layout.width(), c.invFreq(theta), c.scale(scale), dtype);
          return new Rope.Tables(cached(t.cos()), cached(t.signedSin()));
        });
  }

  /**
   * RoPE tables per packed row ({@code [rows, 1, headDim]}): the padded tables gathered by each
   * row's position in its sequence. For attention over the packed rows (varlen).
   */
  Rope.Tables ropeRows(double theta, int headDim, double scale) {
    Rope.Tables t = rope(theta, headDim, scale); // before computeIfAbsent: it adds to the map
    return rope.computeIfAbsent(
        "rows/" + theta + "/" + scale,
        key -> {
          NDArray pos = positions();
          int rows = layout.rows();
          int width = layout.width();
          return new Rope.Tables(
              cached(Rows.gather(t.cos().reshape(width, headDim), pos).reshape(rows, 1, headDim)),
              cached(
                  Rows.gather(t.signedSin().reshape(width, headDim), pos)
                      .reshape(rows, 1, headDim)));
        });
  }

  private Rope.Constants constants(int headDim) {
    if (ropeConstants != null && ropeConstants.headDim() == headDim) {
      return ropeConstants;
    }
    return new Rope.Constants(manager, headDim);
  }

  /**
   * int32 {@code [batch + 1]}: 0, then the running total of the lengths (FlashAttention's
   * cu_seqlens).
   */
  NDArray cuSeqlens() {
    if (cuSeqlens == null) {
      NDArray zero = manager.zeros(new Shape(1), DataType.INT64);
      cuSeqlens = cached(zero.concat(lengths.cumSum(0)).toType(DataType.INT32, false));
    }
    return cuSeqlens;
  }

  /** int64 {@code [rows]}: each row's position in its sequence. */
  NDArray positions() {
    if (positions == null) {
      NDArray r = manager.arange(0, layout.rows(), 1, DataType.INT64);
      NDArray seq = sequenceOfRows(r);
      positions = cached(r.sub(rowStarts().take(seq)));
    }
    return positions;
  }

  /** First row of each sequence, int64 {@code [batch]}. */
  private NDArray rowStarts() {
    if (rowStart == null) {
      int b = layout.batchSize();
      rowStart =
          cached(
              layout.isPadded()
                  ? manager.arange(0, b * layout.width(), layout.width(), DataType.INT64)
                  : lengths.cumSum(0).sub(lengths));
    }
    return rowStart;
  }

  /** Rows of each sequence (its length, or the width when padded), int64 {@code [batch]}. */
  private NDArray rowCounts() {
    return layout.isPadded()
        ? manager.full(new Shape(layout.batchSize()), layout.width(), DataType.INT64)
        : lengths;
  }

  /**
   * For each row index in {@code r} ({@code [rows]}), its sequence: how many sequences end before
   * it.
   */
  private NDArray sequenceOfRows(NDArray r) {
    int b = layout.batchSize();
    NDArray ends = rowStarts().add(rowCounts()).reshape(1, b);
    return ends.lte(r.reshape(-1, 1)).toType(DataType.INT64, false).sum(new int[] {1});
  }

  /** {@link BatchLayout#slotToRow()}, built on the device. */
  private NDArray buildSlotToRow() {
    int b = layout.batchSize();
    int width = layout.width();
    NDArray t = manager.arange(0, width, 1, DataType.INT64).reshape(1, width);
    NDArray inSequence = t.lt(rowCounts().reshape(b, 1)); // [b, width]
    NDArray offset = where(inSequence, t, manager.zeros(new Shape(), DataType.INT64));
    return offset.add(rowStarts().reshape(b, 1)).reshape(-1);
  }

  /** {@link BatchLayout#rowToSlot()}, built on the device. */
  private NDArray buildRowToSlot() {
    NDArray r = manager.arange(0, layout.rows(), 1, DataType.INT64);
    NDArray seq = sequenceOfRows(r);
    NDArray t = r.sub(rowStarts().take(seq));
    return seq.mul(manager.full(new Shape(), layout.width(), DataType.INT64)).add(t);
  }

  /**
   * Additive mask of dtype {@code type} for queries {@code [q0, q1)} against keys {@code [k0, k1)}:
   * 0 where a key is visible, the dtype's lowest finite value (not -inf, so a fully masked padding
   * row never becomes NaN) where it is padding or (when {@code radius >= 0}) outside the window |q
   * - k| <= radius. Null when nothing in that block is masked. Cached: every layer of the same kind
   * reuses it. Built on the device from the lengths.
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
    NDArray keys = manager.arange(k0, k1, 1, DataType.INT64).reshape(1, 1, 1, k1 - k0);
    NDArray hidden = keys.gte(lengths.reshape(batch, 1, 1, 1)); // [batch, 1, 1, keys]
    if (band) {
      NDArray queries = manager.arange(q0, q1, 1, DataType.INT64).reshape(1, 1, q1 - q0, 1);
      NDArray far = keys.sub(queries).abs().gt(manager.full(new Shape(), radius, DataType.INT64));
      hidden = hidden.logicalOr(far); // [batch, 1, queries, keys]
    }
    return cached(
        where(
            hidden,
            manager.full(new Shape(), hiddenValue, type),
            manager.zeros(new Shape(), type)));
  }

  /**
   * libtorch's {@code where(condition, a, b)}, which broadcasts its operands (DJL's {@code
   * NDArrays.where} requires equal shapes).
   */
  private static NDArray where(NDArray condition, NDArray a, NDArray b) {
    return JniUtils.where((PtNDArray) condition, (PtNDArray) a, (PtNDArray) b);
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
