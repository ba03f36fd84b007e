package dev.modernbert.encoder.weights;

import static dev.modernbert.encoder.weights.TorchZips.bytes;
import static dev.modernbert.encoder.weights.TorchZips.concat;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.TorchSave;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pickles built to hang, exhaust or crash the reader (adversarial report, defects 2 and 9): each is
 * refused quickly with a {@link CheckpointException} that names the file.
 */
class HostilePickleTest {
  private static final Path FILE = Path.of("/models/x/pytorch_model.bin");
  private static final Duration BOUND = Duration.ofSeconds(20);

  @TempDir Path tmp;

  private static String refused(byte[] pickle) {
    String msg =
        assertTimeoutPreemptively(
            BOUND,
            () ->
                assertThrows(
                        CheckpointException.class,
                        () -> TorchPickle.tensors(FILE, "archive/data.pkl", pickle))
                    .getMessage());
    assertTrue(msg.startsWith(FILE + ": the pickle archive/data.pkl "), msg);
    assertTrue(msg.length() < 600, msg);
    return msg;
  }

  /** The report's 864-byte file: a dict key of 80 levels of shared lists ([L, L]): 2^80 paths. */
  static byte[] billionLaughsKey() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(bytes(0x80, 2, '}', ']', 'q', 0, '0'));
    for (int i = 1; i <= 80; i++) {
      p.writeBytes(bytes('(', 'h', i - 1, 'h', i - 1, 'l', 'q', i));
      if (i < 80) {
        p.write('0');
      }
    }
    p.writeBytes(bytes('X', 1, 0, 0, 0, 'v', 's', '.'));
    return p.toByteArray();
  }

  @Test
  void sharedListAsDictKeyIsRefusedBeforeItIsHashed() throws IOException {
    byte[] pickle = billionLaughsKey();
    String msg = refused(pickle);
    assertTrue(msg.contains("a dict key of type ArrayList"), msg);
    assertTrue(msg.contains("keys are strings"), msg);
    // And through the file reader, as the CLI and the job open it.
    Path bin = tmp.resolve("pytorch_model.bin");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(bin))) {
      TorchSave.stored(zip, "archive/data.pkl", pickle);
    }
    String open =
        assertTimeoutPreemptively(
            BOUND,
            () ->
                assertThrows(CheckpointException.class, () -> TensorFile.open(bin).close())
                    .getMessage());
    assertTrue(open.contains(bin.toString()) && open.contains("dict key"), open);
  }

  @Test
  void deeplyNestedListKeyIsRefusedWithoutStackOverflow() {
    // {[[[...]]]: None}: 200,000 MARKs, an empty list, 200,000 LISTs wrapping it.
    int depth = 200_000;
    byte[] marks = new byte[depth];
    java.util.Arrays.fill(marks, (byte) '(');
    byte[] lists = new byte[depth];
    java.util.Arrays.fill(lists, (byte) 'l');
    byte[] deep = concat(bytes(0x80, 2, '}'), marks, bytes(']'), lists, bytes('N', 's', '.'));
    String msg = refused(deep);
    assertTrue(msg.contains("a dict key of type ArrayList"), msg);
  }

  @Test
  void setsAreRefused() {
    String msg = refused(bytes(0x80, 4, 0x8f /* EMPTY_SET */, '.'));
    assertTrue(msg.contains("(a set)"), msg);
    msg = refused(bytes(0x80, 4, '(', ']', 0x91 /* FROZENSET */, '.'));
    assertTrue(msg.contains("(a set)"), msg);
  }

  @Test
  void lengthPrefixesLongerThanTheFileAreRefusedBeforeAllocating() {
    // The report's 30-byte pickle: BINUNICODE declaring 0x7FFFFF00 bytes.
    String msg = refused(bytes(0x80, 2, '}', '(', 'X', 0x00, 0xff, 0xff, 0x7f, 'a', 'b', 'c'));
    assertTrue(msg.contains("declares a value of 2147483392 bytes"), msg);
    assertTrue(msg.contains("only 3 bytes follow"), msg);
    int[][] cases = {
      {'B', 0xff, 0xff, 0xff, 0x7f}, // BINBYTES
      {'T', 0xff, 0xff, 0xff, 0xff}, // BINSTRING, a negative length
      {0x8b, 0x00, 0x00, 0x00, 0x70}, // LONG4
      {0x8d, 0, 0, 0, 0, 0, 0, 0, 0x40}, // BINUNICODE8
      {0x8e, 0, 0, 0, 0, 0, 0, 0, 0x80}, // BINBYTES8, past 2^63
      {0x96, 0, 0, 0, 0x10, 0, 0, 0, 0}, // BYTEARRAY8
      {0x95, 0, 0, 0, 0x10, 0, 0, 0, 0}, // FRAME
      {0x8c, 0x20}, // SHORT_BINUNICODE
    };
    for (int[] c : cases) {
      byte[] pickle = concat(bytes(0x80, 4), bytes(c), bytes('a', 'b'));
      String m = refused(pickle);
      assertTrue(m.contains("declares a value of") && m.contains("bytes follow"), m);
    }
  }

  @Test
  void longNumbersAsTextAreRefused() {
    byte[] digits = new byte[100_000];
    java.util.Arrays.fill(digits, (byte) '9');
    String msg = refused(concat(bytes(0x80, 2, 'L'), digits, bytes('\n', '.')));
    assertTrue(msg.contains("100000-character number"), msg);
  }

  @Test
  void stackGlobalOnASharedListIsRefusedWithoutPrintingIt() {
    byte[] laughs = billionLaughsKey();
    // The same 80 levels of shared lists, then STACK_GLOBAL on the list and a string.
    byte[] lists = java.util.Arrays.copyOfRange(laughs, 3, laughs.length - 8);
    String msg = refused(concat(bytes(0x80, 4), lists, bytes(0x8c, 1, 'x', 0x93, '.')));
    assertTrue(msg.contains("STACK_GLOBAL on [["), msg);
  }

  @Test
  void layoutNumbersMustBeExactNonNegativeIntegers() {
    // A persistent id whose numel is a LONG1 of 9 bytes (2^64): refused, not truncated.
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.writeBytes(bytes(0x80, 2, '(', 0x8c, 7));
    p.writeBytes("storage".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    p.writeBytes("ctorch\nFloatStorage\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    p.writeBytes(bytes(0x8c, 1, '0', 0x8c, 3, 'c', 'p', 'u'));
    p.writeBytes(bytes(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1)); // LONG1: 2^64
    p.writeBytes(bytes('t', 'Q', '.'));
    String msg = refused(p.toByteArray());
    assertTrue(msg.contains("with 18446744073709551616 elements"), msg);
  }

  @Test
  void aPickleLargerThanAnyStateDictNeedsIsRefusedBeforeParsing() {
    String msg = refused(new byte[TorchPickle.MAX_PICKLE_BYTES + 1]);
    assertTrue(msg.contains("more than the " + TorchPickle.MAX_PICKLE_BYTES), msg);
  }
}
