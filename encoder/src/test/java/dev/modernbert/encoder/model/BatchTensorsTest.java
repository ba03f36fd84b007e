package dev.modernbert.encoder.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.DeviceTransfers;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.weights.HeadKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The batch's indices, positions and masks, built on the device from the lengths, against the host
 * definitions ({@link BatchLayout}, the additive mask's definition); and the number of host-device
 * transfers a batch makes, which must not grow with the sequence length or the number of layers.
 */
class BatchTensorsTest {
  private static final int[] LENGTHS = {300, 7, 129, 64, 2, 250, 300};

  private static List<int[]> sequences(int[] lengths) {
    Random r = new Random(1);
    List<int[]> seqs = new ArrayList<>();
    for (int len : lengths) {
      seqs.add(AttentionWindowTest.randomSequence(r, len));
    }
    return seqs;
  }

  /** A {@code [n, 1]} float32 column {@code 0..n-1}: gathering it reveals the gather's indices. */
  private static NDArray column(NDManager m, int n) {
    return m.arange(0f, (float) n, 1f, DataType.FLOAT32).reshape(n, 1);
  }

  private static long[] asLongs(NDArray a) {
    float[] f = a.toType(DataType.FLOAT32, false).toFloatArray();
    long[] out = new long[f.length];
    for (int i = 0; i < f.length; i++) {
      out[i] = (long) f[i];
    }
    return out;
  }

  @Test
  void gathersBuiltOnTheDeviceEqualTheLayoutsHostIndices() {
    try (NDManager parent = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      for (BatchLayout layout : List.of(BatchLayout.packed(LENGTHS), BatchLayout.padded(LENGTHS))) {
        try (BatchTensors batch =
            new BatchTensors(parent, layout, sequences(LENGTHS), 0, DataType.FLOAT32)) {
          NDManager m = batch.manager();
          int slots = layout.batchSize() * layout.width();
          assertArrayEquals(
              layout.slotToRow(), asLongs(batch.toSlots(column(m, layout.rows()))), "slotToRow");
          assertArrayEquals(
              layout.rowToSlot(), asLongs(batch.toRows(column(m, slots))), "rowToSlot");
          assertArrayEquals(
              layout.tokenIds(sequences(LENGTHS), 0), batch.ids().toLongArray(), "ids");
        }
      }
    }
  }

  @Test
  void positionsAndCuSeqlensFollowTheLengths() {
    BatchLayout layout = BatchLayout.packed(LENGTHS);
    try (NDManager parent = TorchRuntime.engine().newBaseManager(Device.cpu());
        BatchTensors batch =
            new BatchTensors(parent, layout, sequences(LENGTHS), 0, DataType.FLOAT32)) {
      long[] positions = batch.positions().toLongArray();
      int[] cu = batch.cuSeqlens().toIntArray();
      assertEquals(DataType.INT32, batch.cuSeqlens().getDataType());
      assertEquals(LENGTHS.length + 1, cu.length);
      int row = 0;
      for (int b = 0; b < LENGTHS.length; b++) {
        assertEquals(row, cu[b], "cu_seqlens[" + b + "]");
        for (int t = 0; t < LENGTHS[b]; t++) {
          assertEquals(t, positions[row++], "position of row " + row);
        }
      }
      assertEquals(layout.rows(), cu[LENGTHS.length]);
    }
  }

  /** The mask's definition, element by element (what BatchTensors built in Java loops before). */
  private static float expected(BatchLayout layout, int b, int radius, int q, int k, DataType t) {
    boolean hidden = k >= layout.length(b) || (radius >= 0 && Math.abs(q - k) > radius);
    return hidden ? (t == DataType.FLOAT16 ? -65504f : -Float.MAX_VALUE) : 0f;
  }

  @Test
  void masksBuiltOnTheDeviceMatchTheirDefinitionExactly() {
    BatchLayout layout = BatchLayout.packed(LENGTHS);
    int width = layout.width();
    int[][] blocks = { // radius, q0, q1, k0, k1
      {-1, 0, width, 0, width},
      {4, 0, 32, 0, 36},
      {4, 64, 96, 60, 100},
      {4, 288, 300, 284, 300},
      {64, 0, 64, 0, 128},
      {64, 128, 192, 64, 256}
    };
    try (NDManager parent = TorchRuntime.engine().newBaseManager(Device.cpu());
        BatchTensors batch =
            new BatchTensors(parent, layout, sequences(LENGTHS), 0, DataType.FLOAT32)) {
      for (DataType type : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
        for (int[] blk : blocks) {
          int radius = blk[0];
          int q0 = blk[1];
          int q1 = blk[2];
          int k0 = blk[3];
          int k1 = blk[4];
          NDArray mask = batch.mask(radius, q0, q1, k0, k1, type);
          assertNotNull(mask, "padding in every block");
          assertEquals(type, mask.getDataType());
          long[] shape = mask.getShape().getShape();
          int queries = (int) shape[2];
          assertEquals(layout.batchSize(), shape[0]);
          assertEquals(radius < 0 ? 1 : q1 - q0, queries);
          assertEquals(k1 - k0, shape[3]);
          float[] m = mask.toType(DataType.FLOAT32, false).toFloatArray();
          for (int b = 0; b < layout.batchSize(); b++) {
            for (int qi = 0; qi < queries; qi++) {
              for (int ki = 0; ki < k1 - k0; ki++) {
                float want =
                    expected(
                        layout,
                        b,
                        radius < 0 || queries == 1 ? -1 : radius,
                        q0 + qi,
                        k0 + ki,
                        type);
                float got = m[(b * queries + qi) * (k1 - k0) + ki];
                if (Float.compare(want, got) != 0) {
                  throw new AssertionError(
                      type
                          + " mask "
                          + java.util.Arrays.toString(blk)
                          + " b="
                          + b
                          + " q="
                          + (q0 + qi)
                          + " k="
                          + (k0 + ki)
                          + ": "
                          + got
                          + " != "
                          + want);
                }
              }
            }
          }
        }
      }
      // Equal lengths and a block inside the window: nothing to mask.
      BatchLayout equal = BatchLayout.packed(new int[] {40, 40});
      try (BatchTensors eq =
          new BatchTensors(parent, equal, sequences(new int[] {40, 40}), 0, DataType.FLOAT32)) {
        assertEquals(null, eq.mask(-1, 0, 40, 0, 40, DataType.FLOAT32));
        assertEquals(null, eq.mask(64, 0, 40, 0, 40, DataType.FLOAT32));
      }
    }
  }

  private static ModernBertModel tinyModel(int layers) {
    return ModernBertModel.random(
        ModernBertConfig.parse(AttentionWindowTest.tinyConfig(layers), "tiny"),
        HeadKind.NONE,
        Device.cpu(),
        DataType.FLOAT32);
  }

  /** Uploads and reads of one batch: upload, forward, free; nothing read back. */
  private static long[] transfersOfOneBatch(ModernBertModel model, int[] lengths) {
    List<int[]> seqs = sequences(lengths);
    long up = DeviceTransfers.uploads();
    long rd = DeviceTransfers.reads();
    try (BatchTensors batch = model.newBatch(seqs, BatchLayout.packed(lengths))) {
      NDArray out = model.forward(batch, AttentionKernel.fused());
      assertEquals(BatchLayout.packed(lengths).rows(), out.getShape().get(0));
    }
    return new long[] {DeviceTransfers.uploads() - up, DeviceTransfers.reads() - rd};
  }

  @Test
  void aBatchUploadsOnceWhateverItsLengthAndDepth() {
    int[] w1 = {512, 512, 512, 512}; // equal lengths: band masks only
    int[] mixed = {512, 300, 77, 5}; // padding: gathers, key-padding masks
    int[] long8k = {8192, 1000}; // 8,192 tokens: 256 local blocks per layer at radius 4
    for (int layers : new int[] {1, 4}) {
      try (ModernBertModel model = tinyModel(layers)) {
        for (int[] lengths : List.of(w1, mixed, long8k)) {
          long[] t = transfersOfOneBatch(model, lengths);
          assertEquals(
              1, t[0], "uploads of a batch, " + layers + " layers, " + lengths[0] + " tokens");
          assertEquals(0, t[1], "reads inside a forward pass");
        }
      }
    }
  }

  @Test
  void theCounterSeesUploads() {
    long before = DeviceTransfers.uploads();
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      DeviceTransfers.upload(m, new long[] {1, 2, 3}).close();
    }
    assertEquals(before + 1, DeviceTransfers.uploads());
    assertFalse(DeviceTransfers.reads() < 0);
    assertTrue(DeviceTransfers.uploads() > 0);
  }

  /**
   * The varlen route (packed q/k/v, RoPE tables gathered by position, cu_seqlens), with the CUDA op
   * emulated per sequence, gives the padded kernels' result: what runs on a GPU around the op.
   */
  @Test
  void varlenRouteEqualsThePaddedKernels() {
    int[] lengths = {300, 7, 129, 64, 2, 250};
    List<int[]> seqs = sequences(lengths);
    BatchLayout layout = BatchLayout.packed(lengths);
    for (DataType dtype : List.of(DataType.FLOAT32, DataType.FLOAT16)) {
      try (ModernBertModel model =
          ModernBertModel.random(
              ModernBertConfig.parse(AttentionWindowTest.tinyConfig(3), "tiny"),
              HeadKind.NONE,
              Device.cpu(),
              dtype)) {
        float[] padded;
        float[] varlen;
        try (BatchTensors batch = model.newBatch(seqs, layout)) {
          padded =
              model
                  .forward(batch, AttentionKernel.fused())
                  .toType(DataType.FLOAT32, false)
                  .toFloatArray();
        }
        try (BatchTensors batch = model.newBatch(seqs, layout)) {
          varlen =
              model
                  .forward(batch, AttentionKernel.varlenReference())
                  .toType(DataType.FLOAT32, false)
                  .toFloatArray();
        }
        double tol = dtype == DataType.FLOAT16 ? 2e-2 : 1e-5;
        double worst = 0;
        for (int i = 0; i < padded.length; i++) {
          worst = Math.max(worst, Math.abs(padded[i] - varlen[i]));
        }
        assertTrue(worst <= tol, dtype + ": max |padded - varlen| = " + worst);
      }
    }
  }
}
