package dev.modernbert.encoder.weights;

import static dev.modernbert.encoder.weights.TorchZips.bytes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.TorchSave;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Declared sizes of a torch.save zip are checked with exact arithmetic (adversarial report, defect
 * 11): a storage's numel times its width, a view's offset plus its count, the zip's own offsets.
 */
class TorchZipOverflowTest {
  @TempDir Path tmp;

  /** One F32 tensor "w" of shape [64], stored in data/0, with the given numel and offset. */
  private Path bin(long numel, long offset, byte[] storage) throws IOException {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(bytes(0x80, 2, '}'));
    unicode(p, "w");
    ascii(p, "ctorch._utils\n_rebuild_tensor_v2\n");
    p.writeBytes(bytes('(', '('));
    unicode(p, "storage");
    ascii(p, "ctorch\nFloatStorage\n");
    unicode(p, "0");
    unicode(p, "cpu");
    long1(p, numel);
    p.writeBytes(bytes('t', 'Q'));
    long1(p, offset);
    p.writeBytes(bytes('(', 'K', 64, 't', '(', 'K', 1, 't', 0x89, '}', 't', 'R', 's', '.'));
    Path out = tmp.resolve("pytorch_model-" + System.nanoTime() + ".bin");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
      TorchSave.stored(zip, "archive/data.pkl", p.toByteArray());
      TorchSave.stored(zip, "archive/data/0", storage);
      TorchSave.stored(zip, "archive/data/1", new byte[512]);
    }
    return out;
  }

  private static void unicode(ByteArrayOutputStream p, String s) {
    p.write('X');
    p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(s.length()).array());
    ascii(p, s);
  }

  private static void ascii(ByteArrayOutputStream p, String s) {
    p.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  /** LONG1 with 8 bytes: any long, exactly. */
  private static void long1(ByteArrayOutputStream p, long v) {
    p.writeBytes(bytes(0x8a, 8));
    p.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
  }

  private static String openError(Path file) {
    String msg =
        assertThrows(CheckpointException.class, () -> TensorFile.open(file).close()).getMessage();
    assertTrue(msg.startsWith(file.toString()), msg);
    return msg;
  }

  @Test
  void theFixtureShapeLoads() throws IOException {
    try (TensorFile f = TensorFile.open(bin(64, 0, new byte[256]))) {
      assertEquals(256, f.bytes("w").remaining());
    }
  }

  @Test
  void numelTimesWidthThatOverflowsIsRefused() throws IOException {
    // 2^62 * 4 wraps to 0, the size of the empty entry.
    String msg = openError(bin(1L << 62, 0, new byte[0]));
    assertTrue(msg.contains("holds 0 bytes but the pickle declares 4611686018427387904"), msg);
    assertTrue(msg.contains("more than 2^63 bytes"), msg);
  }

  @Test
  void offsetPlusCountThatOverflowsIsRefused() throws IOException {
    // 2^63 - 64 + 64 wraps negative: the view would start 256 bytes before its storage.
    String msg = openError(bin(64, Long.MAX_VALUE - 63, new byte[256]));
    assertTrue(msg.contains("from storage offset 9223372036854775744"), msg);
    assertTrue(msg.contains("holds only 64"), msg);
  }

  @Test
  void negativeNumelIsRefused() throws IOException {
    String msg = openError(bin(-1, 0, new byte[0]));
    assertTrue(msg.contains("element count is a non-negative 64-bit integer"), msg);
  }

  @Test
  void zip64RecordWithANegativeDirectoryOffsetNamesTheFile() throws IOException {
    Path good = bin(64, 0, new byte[256]);
    byte[] zip = Files.readAllBytes(good);
    int eocd = zip.length - 22; // no comment: the end record is the last 22 bytes
    ByteBuffer out = ByteBuffer.allocate(eocd + 56 + 20 + 22).order(ByteOrder.LITTLE_ENDIAN);
    out.put(zip, 0, eocd);
    long eocd64At = out.position();
    out.putInt(0x06064b50).putLong(44).putShort((short) 45).putShort((short) 45);
    out.putInt(0).putInt(0).putLong(3).putLong(3);
    out.putLong(zip.length); // directory size
    out.putLong(-(1L << 40)); // directory offset: negative
    out.putInt(0x07064b50).putInt(0).putLong(eocd64At).putInt(1);
    out.putInt(0x06054b50).putShort((short) 0).putShort((short) 0);
    out.putShort((short) 0xFFFF).putShort((short) 0xFFFF).putInt(-1).putInt(-1).putShort((short) 0);
    Path bad = tmp.resolve("zip64.bin");
    Files.write(bad, out.array());
    String msg = openError(bad);
    assertTrue(msg.contains("corrupt zip archive"), msg);
    assertTrue(msg.contains("lies outside the file"), msg);
  }
}
