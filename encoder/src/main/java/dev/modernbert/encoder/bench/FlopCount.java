package dev.modernbert.encoder.bench;

import dev.modernbert.encoder.config.ModernBertConfig;

/**
 * Forward FLOPs per real token (a multiply-add counts 2), the figure the benchmark divides the
 * measured rate by:
 *
 * <pre>
 *   linear  = 2 * H * (3H + H + 2I + I)                     per layer (Wqkv, Wo, Wi, Wo)
 *   attn(S) = 2 * 2 * S * H                                 per layer (QK^T and PV over S keys)
 *   total   = sum over layers of linear + attn(S_l),  S_l = L (global) or min(L, window + 1) (local)
 * </pre>
 *
 * Norms, activations, RoPE and softmax are elementwise and left out.
 */
public final class FlopCount {
  private FlopCount() {}

  public static double perToken(ModernBertConfig c, int length) {
    double h = c.hiddenSize();
    double i = c.intermediateSize();
    double total = 0;
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      double keys = c.isGlobal(l) ? length : Math.min(length, c.localAttention() + 1);
      total += 2 * h * (3 * h + h + 2 * i + i) + 4 * keys * h;
    }
    return total;
  }
}
