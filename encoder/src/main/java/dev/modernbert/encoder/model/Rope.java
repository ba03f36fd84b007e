package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.runtime.DeviceTransfers;
import java.util.HashMap;
import java.util.Map;

/**
 * Rotary position embeddings, HF's non-interleaved ("rotate_half") convention: {@code x * cos +
 * rotate_half(x) * sin} with {@code rotate_half(x) = [-x2, x1]}, angles {@code position * inv_freq}
 * computed in float32, {@code inv_freq[j] = theta^(-2j/headDim)}, and {@code cos}/{@code sin} built
 * from {@code cat(freqs, freqs)}.
 */
final class Rope {
  private Rope() {}

  /** Tables for positions {@code 0..width-1}, shape {@code [width, 1, headDim]}. */
  record Tables(NDArray cos, NDArray signedSin) {
    /**
     * {@code x}: {@code [..., width, heads, headDim]}. The sign of rotate_half lives in {@code
     * signedSin} ({@code [-sin1, sin2]}), so the rotation is one swap of halves, not a negation and
     * a swap.
     */
    NDArray apply(NDArray x) {
      long half = x.getShape().get(x.getShape().dimension() - 1) / 2;
      NDArray swapped =
          x.get(new NDIndex("..., {}:", half)).concat(x.get(new NDIndex("..., :{}", half)), -1);
      return x.mul(cos).addi(swapped.muli(signedSin));
    }
  }

  /**
   * What the tables are built from, uploaded once when the model loads: {@code inv_freq} per theta
   * ({@code [1, headDim/2]}, float32) and the query scale {@code headDim^-0.5} (a float64 scalar,
   * as DJL's {@code muli(double)} would create it), so that a batch uploads nothing for RoPE.
   */
  static final class Constants {
    private final NDManager manager;
    private final int headDim;
    private final Map<Double, NDArray> invFreq = new HashMap<>();
    private final NDArray queryScale;

    Constants(NDManager manager, int headDim, double... thetas) {
      this.manager = manager;
      this.headDim = headDim;
      for (double theta : thetas) {
        invFreq(theta);
      }
      this.queryScale = DeviceTransfers.upload(manager, 1.0 / Math.sqrt(headDim));
    }

    int headDim() {
      return headDim;
    }

    /** The scale tensor for {@code scale} (1 or the query scale). */
    NDArray scale(double scale) {
      if (scale == 1.0) {
        return null;
      }
      if (scale != 1.0 / Math.sqrt(headDim)) {
        throw new IllegalArgumentException("no RoPE constant for scale " + scale);
      }
      return queryScale;
    }

    synchronized NDArray invFreq(double theta) {
      return invFreq.computeIfAbsent(
          theta,
          t ->
              DeviceTransfers.upload(manager, Rope.invFreq(t, headDim), new Shape(1, headDim / 2)));
    }
  }

  static float[] invFreq(double theta, int headDim) {
    float[] invFreq = new float[headDim / 2];
    for (int j = 0; j < invFreq.length; j++) {
      invFreq[j] = (float) (1.0 / Math.pow(theta, (2.0 * j) / headDim));
    }
    return invFreq;
  }

  /**
   * Tables for positions {@code 0..width-1} from the model's constants: no upload.
   *
   * @param scale a 0-d tensor multiplying both tables (the query scale), or null for 1
   */
  static Tables tables(
      NDManager manager, int width, NDArray invFreq, NDArray scale, DataType dtype) {
    int headDim = (int) invFreq.getShape().get(1) * 2;
    NDArray positions = manager.arange(0f, (float) width, 1f, DataType.FLOAT32).reshape(width, 1);
    NDArray freqs = positions.mul(invFreq);
    NDArray cos = freqs.cos();
    NDArray sin = freqs.sin();
    NDArray fullCos = cos.concat(cos, 1);
    NDArray signedSin = sin.neg().concat(sin, 1);
    if (scale != null) {
      fullCos = fullCos.muli(scale);
      signedSin = signedSin.muli(scale);
    }
    return new Tables(
        fullCos.reshape(width, 1, headDim).toType(dtype, false),
        signedSin.reshape(width, 1, headDim).toType(dtype, false));
  }
}
