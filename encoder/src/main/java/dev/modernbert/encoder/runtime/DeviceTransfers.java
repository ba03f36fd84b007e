package dev.modernbert.encoder.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The one way the model path copies host arrays to the device, and counts of those copies and of
 * device-to-host reads, per thread.
 *
 * <p>On a GPU every {@link NDManager#create} is a blocking copy: DJL's {@code
 * from_blob(...).to(cuda)} runs with {@code non_blocking=false}, which PyTorch turns into a copy
 * plus a stream synchronisation. So the number of uploads per batch is the number of times the host
 * waits for the GPU. The counts are per thread (a batch runs on one thread) and only grow; tests
 * read them before and after a batch.
 *
 * <p>DJL's NDArray methods that take a {@link Number} ({@code mul(2)}, {@code lt(0)}) also create a
 * scalar tensor, a hidden upload: the batch path avoids them (scalars it needs are created with
 * {@code manager.full} on the device, or once at model load).
 */
public final class DeviceTransfers {
  private DeviceTransfers() {}

  private static final ThreadLocal<long[]> COUNTS = ThreadLocal.withInitial(() -> new long[2]);

  /** Host-to-device copies made by this thread so far. */
  public static long uploads() {
    return COUNTS.get()[0];
  }

  /** Device-to-host reads (each one a synchronisation on a GPU) made by this thread so far. */
  public static long reads() {
    return COUNTS.get()[1];
  }

  /** Counts one device-to-host read; callers call it where they read an array back. */
  public static void countRead() {
    COUNTS.get()[1]++;
  }

  /** Uploads {@code data} as an int64 vector. */
  public static NDArray upload(NDManager manager, long[] data) {
    COUNTS.get()[0]++;
    return manager.create(data);
  }

  /** Uploads {@code data} as an int32 vector. */
  public static NDArray upload(NDManager manager, int[] data) {
    COUNTS.get()[0]++;
    return manager.create(data);
  }

  /** Uploads {@code data} as a float32 array of {@code shape}. */
  public static NDArray upload(NDManager manager, float[] data, Shape shape) {
    COUNTS.get()[0]++;
    return manager.create(data, shape);
  }

  /** Uploads a float64 scalar (0-d). */
  public static NDArray upload(NDManager manager, double scalar) {
    COUNTS.get()[0]++;
    return manager.create(scalar);
  }
}
