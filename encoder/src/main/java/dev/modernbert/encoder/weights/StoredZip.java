package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
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
 * The directory of a zip archive whose entries are stored uncompressed, as {@code torch.save}
 * writes them: for each entry, where its bytes lie in the file, so they can be memory-mapped in
 * place. {@code java.util.zip} validates archives but does not expose data offsets, hence this
 * small reader of the central directory (ZIP64 included: checkpoints pass 4 GiB) and local headers.
 */
final class StoredZip {
  /** One entry's name and its bytes' position in the file. */
  record Entry(String name, long dataOffset, long size) {}

  private static final int EOCD_SIG = 0x06054b50;
  private static final int EOCD64_LOCATOR_SIG = 0x07064b50;
  private static final int EOCD64_SIG = 0x06064b50;
  private static final int CENTRAL_SIG = 0x02014b50;
  private static final int LOCAL_SIG = 0x04034b50;
  private static final int EOCD_MIN = 22;
  private static final long U32 = 0xFFFFFFFFL;

  private StoredZip() {}

  /**
   * Every entry by name; a truncated, compressed or malformed archive is a {@link
   * CheckpointException} naming the file. Every offset and size read from the archive is checked
   * (non-negative, overflow-free, inside the file) before it is used.
   */
  static Map<String, Entry> entries(FileChannel ch, Path path) throws IOException {
    try {
      return directory(ch, path);
    } catch (IndexOutOfBoundsException | IllegalArgumentException | ArithmeticException e) {
      // a field pointing outside the record it was read from: never a raw exception
      throw corrupt(path, "a record is malformed (" + e.getClass().getSimpleName() + ")");
    }
  }

  private static Map<String, Entry> directory(FileChannel ch, Path path) throws IOException {
    long size = ch.size();
    int tail = (int) Math.min(size, EOCD_MIN + 0xFFFF);
    ByteBuffer end = read(ch, size - tail, tail, path);
    int eocd = -1;
    for (int i = tail - EOCD_MIN; i >= 0 && eocd < 0; i--) {
      if (end.getInt(i) == EOCD_SIG) {
        eocd = i;
      }
    }
    if (eocd < 0) {
      throw new CheckpointException(
          path
              + ": not a complete zip archive (no end-of-central-directory record; a truncated"
              + " download?); download the file again");
    }
    long count = end.getShort(eocd + 10) & 0xFFFF;
    long dirSize = end.getInt(eocd + 12) & U32;
    long dirOffset = end.getInt(eocd + 16) & U32;
    if (count == 0xFFFF || dirSize == U32 || dirOffset == U32) {
      long locator = size - tail + eocd - 20;
      if (locator < 0 || read(ch, locator, 20, path).getInt(0) != EOCD64_LOCATOR_SIG) {
        throw corrupt(path, "ZIP64 locator missing");
      }
      long eocd64At = read(ch, locator, 20, path).getLong(8);
      if (eocd64At < 0 || eocd64At > size - 56) {
        throw corrupt(path, "its ZIP64 end record offset " + eocd64At + " lies outside the file");
      }
      ByteBuffer eocd64 = read(ch, eocd64At, 56, path);
      if (eocd64.getInt(0) != EOCD64_SIG) {
        throw corrupt(path, "ZIP64 end record missing");
      }
      count = eocd64.getLong(32);
      dirSize = eocd64.getLong(40);
      dirOffset = eocd64.getLong(48);
    }
    if (dirOffset < 0
        || dirSize < 0
        || dirSize > size - dirOffset
        || dirSize > Integer.MAX_VALUE
        || count < 0
        || count > dirSize / 46) {
      throw corrupt(
          path,
          "its central directory (offset "
              + dirOffset
              + ", "
              + dirSize
              + " bytes, "
              + count
              + " entries) lies outside the file (truncated?)");
    }
    ByteBuffer dir = read(ch, dirOffset, (int) dirSize, path);
    Map<String, Entry> entries = new LinkedHashMap<>();
    int p = 0;
    for (long n = 0; n < count; n++) {
      if (p + 46 > dir.limit() || dir.getInt(p) != CENTRAL_SIG) {
        throw corrupt(path, "central directory entry " + n + " is damaged");
      }
      int recordEnd =
          p
              + 46
              + (dir.getShort(p + 28) & 0xFFFF)
              + (dir.getShort(p + 30) & 0xFFFF)
              + (dir.getShort(p + 32) & 0xFFFF);
      if (recordEnd > dir.limit()) {
        throw corrupt(path, "central directory entry " + n + " ends past the directory");
      }
      int method = dir.getShort(p + 10) & 0xFFFF;
      long compressed = dir.getInt(p + 20) & U32;
      long uncompressed = dir.getInt(p + 24) & U32;
      int nameLen = dir.getShort(p + 28) & 0xFFFF;
      int extraLen = dir.getShort(p + 30) & 0xFFFF;
      int commentLen = dir.getShort(p + 32) & 0xFFFF;
      long local = dir.getInt(p + 42) & U32;
      String name = string(dir, p + 46, nameLen);
      // ZIP64 extra field: the 64-bit values of those fields that read 0xFFFFFFFF, in this order.
      int x = p + 46 + nameLen;
      while (x + 4 <= p + 46 + nameLen + extraLen) {
        int id = dir.getShort(x) & 0xFFFF;
        int len = dir.getShort(x + 2) & 0xFFFF;
        if (id == 1) {
          int v = x + 4;
          int fieldEnd = Math.min(x + 4 + len, p + 46 + nameLen + extraLen);
          if (uncompressed == U32 && v + 8 <= fieldEnd) {
            uncompressed = dir.getLong(v);
            v += 8;
          }
          if (compressed == U32 && v + 8 <= fieldEnd) {
            compressed = dir.getLong(v);
            v += 8;
          }
          if (local == U32 && v + 8 <= fieldEnd) {
            local = dir.getLong(v);
          }
        }
        x += 4 + len;
      }
      if (method != 0 || compressed != uncompressed) {
        throw new CheckpointException(
            path
                + ": zip entry "
                + name
                + " is compressed (method "
                + method
                + "); torch.save stores entries uncompressed, re-save the file with torch.save");
      }
      if (uncompressed < 0 || local < 0) {
        throw corrupt(path, "entry " + name + " declares a negative size or offset");
      }
      long data = dataOffset(ch, path, name, local, size);
      if (uncompressed > size - data) {
        throw corrupt(path, "entry " + name + " ends past the end of the file (truncated?)");
      }
      entries.put(name, new Entry(name, data, uncompressed));
      p += 46 + nameLen + extraLen + commentLen;
    }
    return Collections.unmodifiableMap(entries);
  }

  /** An entry's data follows its local header: 30 bytes, the name and an extra field of its own. */
  private static long dataOffset(FileChannel ch, Path path, String name, long local, long size)
      throws IOException {
    if (local > size - 30) {
      throw corrupt(path, "entry " + name + " starts past the end of the file");
    }
    ByteBuffer header = read(ch, local, 30, path);
    if (header.getInt(0) != LOCAL_SIG) {
      throw corrupt(path, "entry " + name + " has no local header");
    }
    return local + 30 + (header.getShort(26) & 0xFFFF) + (header.getShort(28) & 0xFFFF);
  }

  private static ByteBuffer read(FileChannel ch, long pos, int len, Path path) throws IOException {
    if (pos < 0 || len < 0 || pos > ch.size() - len) {
      throw corrupt(path, len + " bytes at offset " + pos + " lie outside the file");
    }
    ByteBuffer buf = ByteBuffer.allocate(len).order(ByteOrder.LITTLE_ENDIAN);
    while (buf.hasRemaining()) {
      if (ch.read(buf, pos + buf.position()) < 0) {
        throw corrupt(path, "it ends early (truncated?)");
      }
    }
    return buf.flip();
  }

  private static String string(ByteBuffer b, int at, int len) {
    byte[] bytes = new byte[len];
    b.get(at, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static CheckpointException corrupt(Path path, String what) {
    return new CheckpointException(
        path + ": corrupt zip archive: " + what + "; download or save the file again");
  }
}
