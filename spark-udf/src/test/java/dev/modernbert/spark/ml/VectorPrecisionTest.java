package dev.modernbert.spark.ml;

import static dev.modernbert.spark.testing.SparkTesting.frame;
import static dev.modernbert.spark.testing.SparkTesting.texts;
import static dev.modernbert.spark.testing.SparkTesting.toFloats;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.runtime.TorchRuntime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

class VectorPrecisionTest {

  @Test
  void theDeclaredChoicesAreThePrecisions() {
    assertEquals(
        java.util.Arrays.stream(VectorPrecision.values()).map(VectorPrecision::paramName).toList(),
        dev.modernbert.encoder.options.EmbedOptions.PRECISION.choices());
  }

  @Test
  void ubinaryAndBinaryPackSignBitsAsNumpyPackbits() {
    // 10 dims: x > 0 = 1 0 1 1 0 0 0 1 | 1 0 -> byte0 0b10110001 = 177, byte1 0b10000000 = 128
    // (packbits pads with zeros); binary = packed - 128 as int8: 49, 0.
    float[] v = {0.5f, -1f, 2f, 1e-9f, 0f, -0f, Float.NaN, 3f, 7f, -2f};
    assertArrayEquals(new byte[] {(byte) 177, (byte) 128}, VectorPrecision.UBINARY.pack(v));
    assertArrayEquals(new byte[] {49, 0}, VectorPrecision.BINARY.pack(v));
    // 768 dimensions take 96 bytes; all negative -> 0 (ubinary), -128 (binary).
    float[] neg = new float[768];
    java.util.Arrays.fill(neg, -1f);
    byte[] u = VectorPrecision.UBINARY.pack(neg);
    byte[] b = VectorPrecision.BINARY.pack(neg);
    assertEquals(96, u.length);
    for (int i = 0; i < 96; i++) {
      assertEquals(0, u[i]);
      assertEquals(-128, b[i]);
    }
  }

  @Test
  void packedBitsFollowTheInvariants() {
    Random rnd = new Random(19);
    for (int dims : new int[] {1, 7, 8, 9, 64, 100, 768}) {
      float[] v = new float[dims];
      for (int i = 0; i < dims; i++) {
        v[i] = (float) rnd.nextGaussian();
      }
      byte[] u = VectorPrecision.UBINARY.pack(v);
      byte[] b = VectorPrecision.BINARY.pack(v);
      assertEquals((dims + 7) / 8, u.length);
      int positives = 0;
      for (int i = 0; i < dims; i++) {
        boolean bit = ((u[i / 8] & 0xff) >> (7 - i % 8) & 1) == 1; // numpy's unpackbits
        assertEquals(v[i] > 0, bit, "dim " + i);
        positives += v[i] > 0 ? 1 : 0;
      }
      int ones = 0;
      for (int k = 0; k < u.length; k++) {
        ones += Integer.bitCount(u[k] & 0xff);
        assertEquals((u[k] & 0xff) - 128, b[k], "binary = ubinary - 128 as int8");
      }
      assertEquals(positives, ones, "no bits set in the padding");
    }
  }

  @Test
  void halfRoundingMatchesHandComputedValues() {
    assertEquals(0x3c00, VectorPrecision.toHalf(1f) & 0xffff);
    assertEquals(0xc000, VectorPrecision.toHalf(-2f) & 0xffff);
    assertEquals(0x3555, VectorPrecision.toHalf(1f / 3f) & 0xffff);
    assertEquals(0x2e66, VectorPrecision.toHalf(0.1f) & 0xffff);
    assertEquals(0x7bff, VectorPrecision.toHalf(65504f) & 0xffff); // largest half
    assertEquals(0x7c00, VectorPrecision.toHalf(65520f) & 0xffff); // tie -> even = infinity
    assertEquals(0x0001, VectorPrecision.toHalf(0x1p-24f) & 0xffff); // smallest subnormal
    assertEquals(0x0000, VectorPrecision.toHalf(0x1p-25f) & 0xffff); // tie -> even = 0
    assertEquals(0x8000, VectorPrecision.toHalf(-0f) & 0xffff);
    assertEquals(0x3c00, VectorPrecision.toHalf(1f + 0x1p-11f) & 0xffff); // tie -> even (down)
    assertEquals(0x3c02, VectorPrecision.toHalf(1f + 3 * 0x1p-11f) & 0xffff); // tie -> even (up)
    int nan = VectorPrecision.toHalf(Float.NaN) & 0xffff;
    assertTrue((nan & 0x7c00) == 0x7c00 && (nan & 0x3ff) != 0, "NaN stays NaN");
    byte[] packed = VectorPrecision.FLOAT16.pack(new float[] {1f, -2f});
    assertArrayEquals(new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0}, packed); // little-endian
  }

  @Test
  void halfRoundingEqualsLibtorch() {
    Random rnd = new Random(7);
    int n = 200_000;
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      // every exponent a half has, and beyond: subnormals, overflow, ties by chance
      v[i] = (float) (rnd.nextGaussian() * Math.pow(2, rnd.nextInt(50) - 30));
    }
    byte[] torch; // libtorch's halves, little-endian as the packed column
    try (NDManager m = TorchRuntime.engine().newBaseManager()) {
      NDArray a = m.create(v);
      torch = a.toType(DataType.FLOAT16, false).toByteArray();
    }
    assertArrayEquals(torch, VectorPrecision.FLOAT16.pack(v));
  }

  @Test
  void theEmbedderStoresEachPrecision() {
    List<String> texts = texts(40, 30, 3);
    Dataset<Row> in = frame(texts, 2);
    Map<Long, float[]> full = new HashMap<>();
    for (Row r : new ModernBertEmbedder().setModelPath("demo").transform(in).collectAsList()) {
      full.put(r.getLong(r.fieldIndex("id")), toFloats(r.get(r.fieldIndex("embedding"))));
    }
    for (VectorPrecision p :
        List.of(VectorPrecision.FLOAT16, VectorPrecision.BINARY, VectorPrecision.UBINARY)) {
      ModernBertEmbedder e =
          new ModernBertEmbedder().setModelPath("demo").setPrecision(p.paramName());
      Dataset<Row> out = e.transform(in);
      assertEquals(DataTypes.BinaryType, out.schema().apply("embedding").dataType(), p.paramName());
      for (Row r : out.collectAsList()) {
        byte[] got = (byte[]) r.get(r.fieldIndex("embedding"));
        assertArrayEquals(p.pack(full.get(r.getLong(r.fieldIndex("id")))), got, p.paramName());
      }
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new ModernBertEmbedder()
                    .setModelPath("demo")
                    .setPrecision("binary")
                    .setOutputType("vector")
                    .transformSchema(in.schema()));
    assertTrue(e.getMessage().contains("outputType array"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> new ModernBertEmbedder().setPrecision("int8"));
  }
}
