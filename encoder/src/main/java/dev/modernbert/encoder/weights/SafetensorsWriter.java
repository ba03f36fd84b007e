package dev.modernbert.encoder.weights;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes float tensors to a {@code .safetensors} file, as F32, F16 or BF16. Used to generate the
 * demo model and test checkpoints; the header is padded to 8 bytes like the reference writer's.
 */
public final class SafetensorsWriter {
  private record Entry(long[] shape, float[] values) {}

  private final Map<String, Entry> tensors = new LinkedHashMap<>();

  public SafetensorsWriter add(String name, long[] shape, float[] values) {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    if (n != values.length) {
      throw new IllegalArgumentException(
          name + ": shape holds " + n + " values, got " + values.length);
    }
    tensors.put(name, new Entry(shape.clone(), values));
    return this;
  }

  /**
   * Writes every tensor with the given dtype: "F32", "F16" or "BF16" (BF16 rounds to nearest even).
   */
  public void write(Path file, String dtype) throws IOException {
    int width = TensorInfo.bytesPerElement(dtype);
    JsonObject header = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("format", "pt");
    header.add("__metadata__", meta);
    long offset = 0;
    for (Map.Entry<String, Entry> e : tensors.entrySet()) {
      JsonObject t = new JsonObject();
      t.addProperty("dtype", dtype);
      JsonArray shape = new JsonArray();
      for (long d : e.getValue().shape()) {
        shape.add(d);
      }
      t.add("shape", shape);
      long bytes = (long) e.getValue().values().length * width;
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + bytes);
      t.add("data_offsets", offsets);
      header.add(e.getKey(), t);
      offset += bytes;
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = Files.newOutputStream(file)) {
      ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
      out.write(len.array());
      out.write(json);
      for (int i = json.length; i < padded; i++) {
        out.write(' ');
      }
      for (Entry e : tensors.values()) {
        ByteBuffer buf =
            ByteBuffer.allocate(e.values().length * width).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : e.values()) {
          switch (dtype) {
            case "F32" -> buf.putFloat(v);
            case "F16" -> buf.putShort(floatToHalf(v));
            case "BF16" -> buf.putShort(floatToBf16(v));
            default -> throw new IllegalArgumentException("unsupported dtype " + dtype);
          }
        }
        out.write(buf.array());
      }
    }
  }

  /** Round-to-nearest-even truncation of a float32 to its top 16 bits. */
  public static short floatToBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** float32 to IEEE binary16, round to nearest even (normal range; tiny values flush to zero). */
  public static short floatToHalf(float v) {
    int bits = Float.floatToRawIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    int exp = ((bits >>> 23) & 0xFF) - 127 + 15;
    int mant = bits & 0x7FFFFF;
    if (exp >= 0x1F) {
      return (short) (sign | 0x7C00);
    }
    if (exp <= 0) {
      return (short) sign;
    }
    int half = sign | (exp << 10) | (mant >>> 13);
    int rest = mant & 0x1FFF;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) half;
  }
}
