package dev.modernbert.encoder.weights;

import static dev.modernbert.encoder.weights.TorchZips.BIN;
import static dev.modernbert.encoder.weights.TorchZips.PICKLE;
import static dev.modernbert.encoder.weights.TorchZips.ascii;
import static dev.modernbert.encoder.weights.TorchZips.bytes;
import static dev.modernbert.encoder.weights.TorchZips.concat;
import static dev.modernbert.encoder.weights.TorchZips.indexOf;
import static dev.modernbert.encoder.weights.TorchZips.rezipped;
import static dev.modernbert.encoder.weights.TorchZips.unicode;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unsafe or damaged {@code pytorch_model.bin} files are refused with a message naming the file and
 * the problem; the broken files are built here from the good fixture.
 */
class PytorchBinErrorsTest {
  private static final Path MALICIOUS = Golden.resource("golden/malicious/pytorch_model.bin");

  @TempDir Path tmp;

  private static String openError(Path file) {
    return assertThrows(CheckpointException.class, () -> TensorFile.open(file).close())
        .getMessage();
  }

  /** A model folder (tiny-modernbert's config) whose pytorch_model.bin holds {@code bytes}. */
  private Path folderWith(byte[] bytes) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("model-" + System.nanoTime()));
    Files.copy(Golden.resource("golden/pytorch-bin/config.json"), dir.resolve("config.json"));
    Files.write(dir.resolve("pytorch_model.bin"), bytes);
    return dir;
  }

  /** The fixture with {@code from} replaced by {@code to} in the pickle, after {@code key}. */
  private Path pickleEdited(String key, byte[] from, byte[] to) throws IOException {
    return rezipped(
        tmp,
        (name, bytes) -> {
          if (!name.equals(PICKLE)) {
            return bytes;
          }
          int at = indexOf(bytes, from, indexOf(bytes, key.getBytes(StandardCharsets.UTF_8), 0));
          assertTrue(at > 0, "pattern not found after " + key);
          byte[] edited = bytes.clone();
          System.arraycopy(to, 0, edited, at, to.length);
          return edited;
        },
        ZipEntry.STORED);
  }

  @Test
  void maliciousPickleIsRefusedAtItsGlobal() throws IOException {
    String msg = openError(MALICIOUS);
    assertTrue(msg.contains(MALICIOUS.toString()), msg);
    assertTrue(msg.contains("names the global os.system (GLOBAL at byte 66)"), msg);
    assertTrue(msg.contains("pytorch_model/data.pkl"), msg);
    // It stopped at the global: the shell command, at byte 79, was never even parsed.
    assertFalse(msg.contains("echo"), msg);
    // Through the model loader, too.
    String load =
        assertThrows(
                CheckpointException.class,
                () ->
                    ModernBertEncoder.load(
                            folderWith(Files.readAllBytes(MALICIOUS)), EncoderOptions.defaults())
                        .close())
            .getMessage();
    assertTrue(load.contains("names the global os.system"), load);
  }

  @Test
  void everyWayOfNamingAGlobalIsVetted() throws IOException {
    // Pickles that would create a marker file if anything they name were called.
    Path marker = tmp.resolve("pwned");
    byte[] command = ("touch " + marker).getBytes(StandardCharsets.UTF_8);
    byte[] global =
        concat(bytes(0x80, 2, '}'), ascii("cposix\nsystem\n"), unicode(command), bytes(0x85, 'R'));
    byte[] stackGlobal =
        concat(
            bytes(0x80, 4, '}'),
            unicode(ascii("builtins")),
            unicode(ascii("exec")),
            bytes(0x93),
            unicode(ascii("import os; os.system('" + "touch " + marker + "')")),
            bytes(0x85, 'R'));
    byte[] inst = concat(bytes(0x80, 2, '('), unicode(command), ascii("iposix\nsystem\n"));
    String[][] cases = {
      {"names the global posix.system (GLOBAL at byte 3)"},
      {"names the global builtins.exec (STACK_GLOBAL at byte 25)"},
      {"uses opcode i (0x69, builds an object)"}
    };
    byte[][] pickles = {global, stackGlobal, inst};
    for (int i = 0; i < pickles.length; i++) {
      byte[] pickle = pickles[i];
      Path file = rezipped(tmp, (name, b) -> name.equals(PICKLE) ? pickle : b, ZipEntry.STORED);
      String msg = openError(file);
      assertTrue(msg.contains(cases[i][0]), msg);
      assertTrue(msg.contains(file.toString()), msg);
    }
    assertFalse(Files.exists(marker), "a refused pickle had a side effect");
  }

  @Test
  void truncatedZip() throws IOException {
    byte[] full = Files.readAllBytes(BIN);
    Path dir = folderWith(Arrays.copyOf(full, full.length / 2));
    String msg =
        assertThrows(
                CheckpointException.class,
                () -> ModernBertEncoder.load(dir, EncoderOptions.defaults()).close())
            .getMessage();
    assertTrue(msg.contains(dir.resolve("pytorch_model.bin").toString()), msg);
    assertTrue(msg.contains("not a complete zip archive"), msg);
  }

  @Test
  void missingStorageEntry() throws IOException {
    Path file = rezipped(tmp, (name, b) -> name.endsWith("/data/25") ? null : b, ZipEntry.STORED);
    String msg = openError(file);
    assertTrue(
        msg.contains(
            "tensor model.final_norm.weight is stored in zip entry pytorch_model/data/25, which"
                + " the archive lacks"),
        msg);
  }

  @Test
  void storageShorterThanItsDeclaredSize() throws IOException {
    Path file =
        rezipped(
            tmp,
            (name, b) -> name.endsWith("/data/25") ? Arrays.copyOf(b, b.length / 2) : b,
            ZipEntry.STORED);
    String msg = openError(file);
    assertTrue(
        msg.contains(
            "zip entry pytorch_model/data/25 holds 128 bytes but the pickle declares 64 F32"
                + " elements (256 bytes)"),
        msg);
  }

  @Test
  void shapeLargerThanItsStorage() throws IOException {
    // final_norm's size tuple (64,) becomes (128,): BININT1 64, TUPLE1 -> BININT1 128, TUPLE1.
    Path file =
        pickleEdited(
            "model.final_norm.weight",
            bytes('Q', 'K', 0, 'K', 64, 0x85),
            bytes('Q', 'K', 0, 'K', 128, 0x85));
    String msg = openError(file);
    assertTrue(
        msg.contains(
            "tensor model.final_norm.weight F32[128] needs 128 elements from storage offset 0 but"
                + " its storage pytorch_model/data/25 holds only 64"),
        msg);
  }

  @Test
  void nonContiguousView() throws IOException {
    // The embeddings' strides (64, 1) become (1, 64): a transposed view.
    Path file =
        pickleEdited(
            "model.embeddings.tok_embeddings.weight",
            bytes('K', 64, 'K', 1, 0x86),
            bytes('K', 1, 'K', 64, 0x86));
    String msg = openError(file);
    assertTrue(
        msg.contains(
            "tensor model.embeddings.tok_embeddings.weight is a non-contiguous view (shape [512,"
                + " 64], strides [1, 64])"),
        msg);
  }

  @Test
  void compressedEntries() throws IOException {
    Path file = rezipped(tmp, (name, b) -> b, ZipEntry.DEFLATED);
    assertTrue(openError(file).contains("is compressed (method 8)"));
  }

  @Test
  void legacyTorchSaveIsRefusedWithHowToConvert() throws IOException {
    // torch.save before PyTorch 1.6: a pickled magic number (LONG1 0x1950a86a20f9469cfc6c) first.
    byte[] legacy =
        bytes(0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.');
    Path dir = folderWith(legacy);
    String msg =
        assertThrows(
                CheckpointException.class,
                () -> ModernBertEncoder.load(dir, EncoderOptions.defaults()).close())
            .getMessage();
    assertTrue(msg.contains(dir.resolve("pytorch_model.bin") + " is a legacy (pre-zip)"), msg);
    assertTrue(msg.contains("save_pretrained(dir, safe_serialization=True)"), msg);
    assertTrue(msg.contains("torch.save(torch.load(f, weights_only=True), f)"), msg);
  }

  @Test
  void shardIndexNamingTheWrongShard() throws IOException {
    Path src = Golden.resource("golden/pytorch-bin-fp16-sharded");
    Path dir = Files.createDirectories(tmp.resolve("sharded"));
    try (var files = Files.list(src)) {
      for (Path p : files.toList()) {
        Files.copy(p, dir.resolve(p.getFileName()));
      }
    }
    Path index = dir.resolve("pytorch_model.bin.index.json");
    Files.writeString(
        index,
        Files.readString(index)
            .replace(
                "\"decoder.bias\": \"pytorch_model-00004-of-00004.bin\"",
                "\"decoder.bias\": \"pytorch_model-00003-of-00004.bin\""));
    String msg =
        assertThrows(CheckpointException.class, () -> CheckpointFiles.open(dir)).getMessage();
    assertTrue(
        msg.contains(
            "lists decoder.bias in pytorch_model-00003-of-00004.bin, which does not hold it"),
        msg);
  }
}
