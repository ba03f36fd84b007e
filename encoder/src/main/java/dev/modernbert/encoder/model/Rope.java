package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

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

  /** {@code scale} multiplies both tables: 1 for keys, head_dim^-0.5 for queries. */
  static Tables tables(
      NDManager manager, int width, int headDim, double theta, double scale, DataType dtype) {
    float[] invFreq = new float[headDim / 2];
    for (int j = 0; j < invFreq.length; j++) {
      invFreq[j] = (float) (1.0 / Math.pow(theta, (2.0 * j) / headDim));
    }
    NDArray positions = manager.arange(0f, (float) width, 1f, DataType.FLOAT32).reshape(width, 1);
    NDArray freqs = positions.mul(manager.create(invFreq, new Shape(1, invFreq.length)));
    NDArray cos = freqs.cos();
    NDArray sin = freqs.sin();
    NDArray fullCos = cos.concat(cos, 1);
    NDArray signedSin = sin.neg().concat(sin, 1);
    if (scale != 1.0) {
      fullCos = fullCos.muli(scale);
      signedSin = signedSin.muli(scale);
    }
    return new Tables(
        fullCos.reshape(width, 1, headDim).toType(dtype, false),
        signedSin.reshape(width, 1, headDim).toType(dtype, false));
  }
}
