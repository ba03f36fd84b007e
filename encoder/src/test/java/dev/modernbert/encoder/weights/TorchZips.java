package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.testing.Golden;
import dev.modernbert.encoder.testing.TorchSave;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/** Builds variants of the {@code pytorch-bin} fixture, and pickle bytes, for the reader's tests. */
final class TorchZips {
  static final Path BIN = Golden.resource("golden/pytorch-bin/pytorch_model.bin");
  static final String PICKLE = "pytorch_model/data.pkl";

  private TorchZips() {}

  /** The good fixture, rezipped (stored) with each entry's bytes passed through {@code edit}. */
  static Path rezipped(Path tmp, BiFunction<String, byte[], byte[]> edit, int method)
      throws IOException {
    Path out = tmp.resolve("edited-" + System.nanoTime() + ".bin");
    try (ZipFile in = new ZipFile(BIN.toFile());
        ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      for (ZipEntry e : Collections.list(in.entries())) {
        byte[] bytes = edit.apply(e.getName(), in.getInputStream(e).readAllBytes());
        if (bytes == null) {
          continue;
        }
        if (method == ZipEntry.STORED) {
          TorchSave.stored(zip, e.getName(), bytes);
          continue;
        }
        ZipEntry copy = new ZipEntry(e.getName());
        copy.setMethod(method);
        zip.putNextEntry(copy);
        zip.write(bytes);
        zip.closeEntry();
      }
    }
    return out;
  }

  static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  static byte[] bytes(int... values) {
    byte[] out = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = (byte) values[i];
    }
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  /** BINUNICODE: 'X', a 4-byte little-endian length, UTF-8 bytes. */
  static byte[] unicode(byte[] utf8) {
    int n = utf8.length;
    return concat(bytes('X', n, n >> 8, n >> 16, n >> 24), utf8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
