package dev.modernbert.encoder.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.config.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
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

  private static Map<String, TensorInfo> parseHeader(
      Path path, String json, long dataStart, long dataBytes) {
    JsonObject header;
    try {
      header = JsonParser.parseString(json).getAsJsonObject();
    } catch (JsonParseException | IllegalStateException e) {
      throw new CheckpointException(
          path + ": corrupt safetensors header (invalid JSON): " + e.getMessage(), e);
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      String name = e.getKey();
      try {
        JsonObject t = e.getValue().getAsJsonObject();
        String dtype = t.get("dtype").getAsString();
        var shapeJson = t.getAsJsonArray("shape");
        long[] shape = new long[shapeJson.size()];
        for (int i = 0; i < shape.length; i++) {
          shape[i] = shapeJson.get(i).getAsLong();
        }
        var offsets = t.getAsJsonArray("data_offsets");
        TensorInfo info =
            new TensorInfo(
                name, dtype, shape, offsets.get(0).getAsLong(), offsets.get(1).getAsLong());
        int width = TensorInfo.bytesPerElement(dtype);
        if (width > 0 && info.end() - info.begin() != info.elementCount() * width) {
          throw new CheckpointException(
              path
                  + ": tensor "
                  + name
                  + " "
                  + dtype
                  + info.shapeString()
                  + " needs "
                  + info.elementCount() * width
                  + " bytes but its data_offsets span "
                  + (info.end() - info.begin()));
        }
        if (info.begin() < 0 || info.end() < info.begin() || info.end() > dataBytes) {
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
        tensors.put(
            name,
            new TensorInfo(name, dtype, shape, dataStart + info.begin(), dataStart + info.end()));
      } catch (CheckpointException ex) {
        throw ex;
      } catch (RuntimeException ex) {
        throw new CheckpointException(
            path + ": corrupt safetensors header entry for " + name + ": " + e.getValue(), ex);
      }
    }
    return Collections.unmodifiableMap(tensors);
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
