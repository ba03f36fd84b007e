package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ShortBuffer;
import java.nio.file.Path;

/**
 * Turns the on-disk bytes of a floating-point tensor into a direct, native-order buffer that DJL
 * can wrap. BF16 is widened to F32 here, in Java, because DJL's PyTorch JNI aborts the JVM on a
 * BFLOAT16 tensor: no NDArray of that type may ever exist.
 */
final class FloatConversion {
  private FloatConversion() {}

  /** F32 and F16 are copied as they are; BF16 becomes F32. */
  static ByteBuffer toNative(ByteBuffer src, TensorInfo info, Path file) {
    switch (info.dtype()) {
      case "F32":
      case "F16":
        ByteBuffer copy = ByteBuffer.allocateDirect(src.remaining()).order(ByteOrder.nativeOrder());
        if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
          copy.put(src.duplicate());
        } else if (info.dtype().equals("F32")) {
          copy.asFloatBuffer().put(src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer());
        } else {
          copy.asShortBuffer().put(src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer());
        }
        return copy.rewind();
      case "BF16":
        return bf16ToFloat32(src);
      default:
        throw new CheckpointException(
            file
                + ": tensor "
                + info.name()
                + " has dtype "
                + info.dtype()
                + "; weights must be F32, F16 or BF16");
    }
  }

  /** Any floating-point tensor as native-order F32. */
  static ByteBuffer toFloat32(ByteBuffer src, TensorInfo info, Path file) {
    if (!info.dtype().equals("F16")) {
      return toNative(src, info, file);
    }
    ShortBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    ByteBuffer out = ByteBuffer.allocateDirect(in.remaining() * 4).order(ByteOrder.nativeOrder());
    while (in.hasRemaining()) {
      out.putFloat(halfToFloat(in.get()));
    }
    return out.rewind();
  }

  /** IEEE 754 binary16 to float32 (Java 17 has no {@code Float.float16ToFloat}). */
  static float halfToFloat(short h) {
    int bits = h & 0xFFFF;
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1F;
    int mant = bits & 0x3FF;
    if (exp == 0x1F) {
      return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
    }
    if (exp == 0) {
      float magnitude = mant * 0x1p-24f; // subnormal (or zero)
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** bfloat16 is the top half of a float32: widening is a 16-bit shift, exact. */
  static ByteBuffer bf16ToFloat32(ByteBuffer src) {
    ShortBuffer in = src.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
    ByteBuffer out = ByteBuffer.allocateDirect(in.remaining() * 4).order(ByteOrder.nativeOrder());
    while (in.hasRemaining()) {
      out.putInt((in.get() & 0xFFFF) << 16);
    }
    return out.rewind();
  }
}
