package dev.modernbert.spark.ml;

import java.util.Locale;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * How an embedding is stored ({@code precision} Param, {@code --precision}).
 *
 * <ul>
 *   <li>{@code float32}: the vector as computed ({@code array<float>} or an ML vector).
 *   <li>{@code float16}: a {@code binary} column of IEEE 754 half-precision values, 2 bytes per
 *       dimension, little-endian, rounded to nearest-even ({@code numpy.frombuffer(b, "<f2")} reads
 *       it). Packed rather than {@code array<float>} rounded through half precision, since a
 *       Parquet {@code float} takes 4 bytes whatever its value: only packing halves the storage.
 *   <li>{@code ubinary}: the sign bits packed as sentence-transformers' {@code
 *       quantize_embeddings(x, "ubinary")} does, {@code numpy.packbits(x > 0)}: dimension 0 is the
 *       most significant bit of byte 0, the last byte padded with zero bits; the bytes read as
 *       uint8. 768 dimensions take 96 bytes.
 *   <li>{@code binary}: the same bytes minus 128, read as int8 ({@code quantize_embeddings(x,
 *       "binary")}); bit for bit that is the {@code ubinary} byte with its top bit flipped.
 * </ul>
 */
public enum VectorPrecision {
  FLOAT32,
  FLOAT16,
  BINARY,
  UBINARY;

  public static VectorPrecision parse(String name) {
    return valueOf(name.trim().toUpperCase(Locale.ROOT));
  }

  public String paramName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The column type of a packed precision ({@code binary}); float32 is not packed. */
  public DataType packedType() {
    if (this == FLOAT32) {
      throw new IllegalStateException("float32 is stored as floats, not packed");
    }
    return DataTypes.BinaryType;
  }

  /** The packed bytes of {@code v} (every precision but float32). */
  public byte[] pack(float[] v) {
    return switch (this) {
      case FLOAT16 -> halves(v);
      case UBINARY -> signBits(v, 0);
      case BINARY -> signBits(v, 128);
      case FLOAT32 -> throw new IllegalStateException("float32 is stored as floats, not packed");
    };
  }

  /** {@code packbits(v > 0) - offset}, as bytes (two's complement for negative values). */
  static byte[] signBits(float[] v, int offset) {
    byte[] out = new byte[(v.length + 7) / 8];
    for (int i = 0; i < v.length; i++) {
      if (v[i] > 0f) { // NaN and -0.0 give 0, as numpy's x > 0
        out[i >> 3] |= (byte) (0x80 >>> (i & 7));
      }
    }
    for (int b = 0; b < out.length; b++) {
      out[b] = (byte) ((out[b] & 0xff) - offset);
    }
    return out;
  }

  /** Each value as a little-endian IEEE 754 half. */
  static byte[] halves(float[] v) {
    byte[] out = new byte[v.length * 2];
    for (int i = 0; i < v.length; i++) {
      short h = toHalf(v[i]);
      out[2 * i] = (byte) h;
      out[2 * i + 1] = (byte) (h >>> 8);
    }
    return out;
  }

  /** The half-precision bits nearest to {@code f} (ties to even; overflow to infinity). */
  static short toHalf(float f) {
    int bits = Float.floatToRawIntBits(f);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) { // infinity, or NaN kept quiet and non-zero
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) { // a half subnormal (or zero): value = m * 2^-24
      if (e < -10) {
        return (short) sign;
      }
      int full = mant | 0x800000;
      int shift = 14 - e;
      return (short) (sign | roundShift(full, shift));
    }
    // Rounding may carry into the exponent: correct, up to infinity.
    return (short) (sign | roundShift((e << 23) | mant, 13));
  }

  /** {@code x >> shift} rounded to nearest, ties to even. */
  private static int roundShift(int x, int shift) {
    int q = x >>> shift;
    int rem = x & ((1 << shift) - 1);
    int halfway = 1 << (shift - 1);
    if (rem > halfway || (rem == halfway && (q & 1) != 0)) {
      q++;
    }
    return q;
  }
}
