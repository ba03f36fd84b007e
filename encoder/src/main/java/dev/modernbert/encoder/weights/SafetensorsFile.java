package dev.modernbert.encoder.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import dev.modernbert.encoder.checkpoint.BoundedJson;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@code .safetensors} file (unlike DJL's {@code NDList.decode}, mapped, not copied to the heap).
 *
 * <p>Format: an 8-byte little-endian header length N, N bytes of JSON ({@code name -> {dtype,
 * shape, data_offsets}} plus optional {@code __metadata__}), then the raw little-endian tensor
 * data.
 */
public final class SafetensorsFile extends MappedTensorFile {
  private static final long MAX_HEADER_BYTES = 100L << 20;

  private SafetensorsFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors) {
    super(path, channel, tensors);
  }

  /** Opens and validates the header: every tensor's byte range must lie inside the file. */
  public static SafetensorsFile open(Path path) {
    return open(path, channel -> table(path, channel), SafetensorsFile::new);
  }

  private static Map<String, TensorInfo> table(Path path, FileChannel channel) throws IOException {
    long size = channel.size();
    if (size < 8) {
      throw new CheckpointException(
          path
              + ": not a safetensors file ("
              + size
              + " bytes, shorter than the 8-byte header length)");
    }
    ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    readFully(channel, lenBuf, 0);
    long headerLen = lenBuf.getLong(0);
    if (headerLen <= 0 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > size) {
      throw new CheckpointException(
          path
              + ": corrupt safetensors header: it declares "
              + headerLen
              + " header bytes but the file holds "
              + size
              + " bytes in all (truncated download, or not a safetensors file)");
    }
    ByteBuffer headerBuf = ByteBuffer.allocate((int) headerLen);
    readFully(channel, headerBuf, 8);
    return parseHeader(
        path,
        new String(headerBuf.array(), StandardCharsets.UTF_8),
        8 + headerLen,
        size - 8 - headerLen);
  }

  /**
   * The header's tensors, checked as the reference loader checks them: no duplicate key, every size
   * exact (overflow-checked) and consistent with its dtype and shape, and the tensors, sorted by
   * offset, tile the data buffer exactly (each starts where the previous one ended, the last ends
   * at its end).
   */
  private static Map<String, TensorInfo> parseHeader(
      Path path, String json, long dataStart, long dataBytes) {
    Map<String, JsonElement> header = topLevel(path, json);
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      String name = e.getKey();
      TensorInfo info = entry(path, name, e.getValue());
      if (info.end() > dataBytes) {
        throw new CheckpointException(
            path
                + ": truncated or corrupt file: tensor "
                + name
                + " ends at data byte "
                + info.end()
                + " but the file holds only "
                + dataBytes
                + " data bytes");
      }
      tensors.put(name, info);
    }
    checkContiguous(path, tensors.values(), dataBytes);
    Map<String, TensorInfo> located = new LinkedHashMap<>();
    for (TensorInfo info : tensors.values()) {
      located.put(
          info.name(),
          new TensorInfo(
              info.name(),
              info.dtype(),
              info.shape(),
              dataStart + info.begin(),
              dataStart + info.end()));
    }
    return Collections.unmodifiableMap(located);
  }

  /** The header's top-level keys and values, in order; a duplicate key is refused. */
  private static Map<String, JsonElement> topLevel(Path path, String json) {
    Map<String, JsonElement> out = new LinkedHashMap<>();
    try {
      BoundedJson.checkDepth(json);
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      if (reader.peek() != JsonToken.BEGIN_OBJECT) {
        throw new CheckpointException(
            path + ": corrupt safetensors header: not a JSON object (" + reader.peek() + ")");
      }
      reader.beginObject();
      while (reader.hasNext()) {
        String key = reader.nextName();
        JsonElement value = JsonParser.parseReader(reader);
        if (out.put(key, value) != null) {
          throw new CheckpointException(
              path
                  + ": corrupt safetensors header: the key \""
                  + abbreviate(key)
                  + "\" appears twice (the reference loader refuses it)");
        }
      }
      reader.endObject();
      if (reader.peek() != JsonToken.END_DOCUMENT) {
        throw new CheckpointException(
            path + ": corrupt safetensors header: text after the JSON object");
      }
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(
          path + ": corrupt safetensors header (invalid JSON): " + firstLine(e.getMessage()), e);
    }
    return out;
  }

  /** One tensor's entry, with data offsets relative to the data buffer. */
  private static TensorInfo entry(Path path, String name, JsonElement value) {
    String where = path + ": corrupt safetensors header entry for " + abbreviate(name) + ": ";
    if (!value.isJsonObject()) {
      throw new CheckpointException(where + "not a JSON object");
    }
    JsonObject t = value.getAsJsonObject();
    JsonElement dtypeJson = t.get("dtype");
    if (dtypeJson == null
        || !dtypeJson.isJsonPrimitive()
        || !dtypeJson.getAsJsonPrimitive().isString()) {
      throw new CheckpointException(where + "dtype must be a string");
    }
    String dtype = dtypeJson.getAsString();
    long[] shape = longs(where, t, "shape", -1);
    long[] offsets = longs(where, t, "data_offsets", 2);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new CheckpointException(
          where + "data_offsets [" + begin + ", " + end + "] end before they begin");
    }
    int width = TensorInfo.bytesPerElement(dtype);
    if (width > 0) {
      long count = TorchZipFile.elementCount(shape);
      long bytes = TorchZipFile.exactProduct(count, width);
      if (bytes < 0 || end - begin != bytes) {
        throw new CheckpointException(
            path
                + ": tensor "
                + abbreviate(name)
                + " "
                + dtype
                + Arrays.toString(shape)
                + " needs "
                + (bytes < 0 ? "more than 2^63" : String.valueOf(bytes))
                + " bytes but its data_offsets span "
                + (end - begin));
      }
    }
    return new TensorInfo(name, dtype, shape, begin, end);
  }

  /** {@code t[key]}: a list of non-negative integers (of {@code size} entries unless -1). */
  private static long[] longs(String where, JsonObject t, String key, int size) {
    JsonElement e = t.get(key);
    if (e == null || !e.isJsonArray() || (size >= 0 && e.getAsJsonArray().size() != size)) {
      throw new CheckpointException(
          where + key + " must be a list of " + (size >= 0 ? size + " " : "") + "integers");
    }
    long[] out = new long[e.getAsJsonArray().size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement v = e.getAsJsonArray().get(i);
      try {
        if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
          throw new ArithmeticException();
        }
        out[i] = v.getAsBigDecimal().longValueExact();
      } catch (ArithmeticException | NumberFormatException ex) {
        out[i] = -1;
      }
      if (out[i] < 0) {
        throw new CheckpointException(
            where + key + " must hold non-negative 64-bit integers, got " + abbreviate(v));
      }
    }
    return out;
  }

  /**
   * Sorted by offset, the tensors must tile the data buffer: each starts where the previous one
   * ended and the last ends at its end (safetensors' InvalidOffset / MetadataIncompleteBuffer).
   */
  private static void checkContiguous(Path path, Collection<TensorInfo> tensors, long dataBytes) {
    List<TensorInfo> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end));
    long expected = 0;
    TensorInfo previous = null;
    for (TensorInfo t : sorted) {
      if (t.begin() != expected) {
        throw new CheckpointException(
            path
                + ": corrupt safetensors header: tensor "
                + abbreviate(t.name())
                + " starts at data byte "
                + t.begin()
                + " but "
                + (previous == null
                    ? "the first tensor must start at 0"
                    : abbreviate(previous.name()) + " ends at " + expected)
                + " ("
                + (t.begin() < expected ? "overlapping" : "a gap between")
                + " tensors; the reference loader refuses it)");
      }
      expected = t.end();
      previous = t;
    }
    if (expected != dataBytes) {
      throw new CheckpointException(
          path
              + ": corrupt safetensors header: its tensors end at data byte "
              + expected
              + " but the file holds "
              + dataBytes
              + " data bytes (the reference loader refuses it)");
    }
  }

  private static String abbreviate(Object o) {
    String s = String.valueOf(o);
    return s.length() > 120 ? s.substring(0, 120) + "..." : s;
  }

  private static String firstLine(String s) {
    return s == null ? "" : abbreviate(s.lines().findFirst().orElse(""));
  }

  private static void readFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    while (buf.hasRemaining()) {
      int n = ch.read(buf, pos + buf.position());
      if (n < 0) {
        throw new IOException("unexpected end of file");
      }
    }
  }
}
