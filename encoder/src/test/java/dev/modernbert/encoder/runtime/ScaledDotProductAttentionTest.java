package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** libtorch's fused attention, reached through the module this project writes, against eager. */
class ScaledDotProductAttentionTest {
  private static final Shape QKV = new Shape(2, 3, 37, 16); // batch, heads, length, headDim

  @Test
  void equalsEagerSoftmaxAttention() {
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDList qkv = randomQkv(m);
      NDArray q = qkv.get(0), k = qkv.get(1), v = qkv.get(2);
      NDArray fused = ScaledDotProductAttention.apply(q, k, v, null);
      assertEquals(QKV, fused.getShape());
      assertClose(eager(q, k, v, null), fused, 1e-5f);
    }
  }

  @Test
  void additiveMaskHidesKeysAndBroadcastsOverHeadsAndQueries() {
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDList qkv = randomQkv(m);
      NDArray q = qkv.get(0), k = qkv.get(1), v = qkv.get(2);
      // Sequence 0 has 30 real keys, sequence 1 all 37: key padding as the encoder masks it.
      float[] mask = new float[2 * 37];
      for (int j = 30; j < 37; j++) {
        mask[j] = -Float.MAX_VALUE;
      }
      NDArray m4 = m.create(mask, new Shape(2, 1, 1, 37));
      NDArray fused = ScaledDotProductAttention.apply(q, k, v, m4);
      assertClose(eager(q, k, v, m4), fused, 1e-5f);

      // What hidden keys hold cannot matter.
      NDArray v2 = v.duplicate();
      v2.set(new NDIndex("0, :, 30:"), 1e3f);
      NDArray again = ScaledDotProductAttention.apply(q, k, v2, m4);
      assertClose(fused, again, 0f);
      // Sequence 1 has no hidden keys: the same change there must show.
      NDArray v3 = v.duplicate();
      v3.set(new NDIndex("1, :, 30:"), 1e3f);
      NDArray seen = ScaledDotProductAttention.apply(q, k, v3, m4);
      float diff = seen.get("1").sub(fused.get("1")).abs().max().getFloat();
      assertTrue(diff > 1, "a visible key's value must change the output, max diff " + diff);
    }
  }

  /** Queries scaled as the encoder scales them (head_dim^-0.5), keys and values. */
  private static NDList randomQkv(NDManager m) {
    return new NDList(m.randomNormal(QKV).muli(0.25), m.randomNormal(QKV), m.randomNormal(QKV));
  }

  private static NDArray eager(NDArray q, NDArray k, NDArray v, NDArray mask) {
    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
    if (mask != null) {
      scores = scores.add(mask);
    }
    return scores.softmax(-1).matMul(v);
  }

  private static void assertClose(NDArray expected, NDArray actual, float tol) {
    assertArrayEquals(expected.getShape().getShape(), actual.getShape().getShape());
    float diff = expected.sub(actual).abs().max().getFloat();
    assertTrue(diff <= tol, "max abs diff " + diff + " > " + tol);
  }
}
