package dev.modernbert.encoder.weights;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every broken checkpoint fails with one message that names the problem. */
class CheckpointErrorsTest {
  @TempDir Path tmp;

  private static final Path GOLDEN = Golden.resource("golden/tiny-modernbert");

  /** A copy of the golden checkpoint whose tensors pass through {@code edit} (null drops one). */
  private Path rewritten(String dtype, BiFunction<String, float[], float[]> edit, String extraName)
      throws IOException {
    Path dir = tmp.resolve("model-" + dtype + "-" + System.nanoTime());
    Files.createDirectories(dir);
    Files.copy(GOLDEN.resolve("config.json"), dir.resolve("config.json"));
    SafetensorsWriter writer = new SafetensorsWriter();
    try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("model.safetensors"))) {
      for (TensorInfo info : f.tensors().values()) {
        float[] values = edit.apply(info.name(), f.readFloats(info.name()));
        if (values == null) {
          continue;
        }
        long[] shape =
            values.length == info.elementCount() ? info.shape() : new long[] {values.length};
        writer.add(info.name(), shape, values);
      }
    }
    if (extraName != null) {
      writer.add(extraName, new long[] {2}, new float[] {1, 2});
    }
    writer.write(dir.resolve("model.safetensors"), dtype);
    return dir;
  }

  private static String loadError(Path dir) {
    return assertThrows(
            CheckpointException.class,
            () -> ModernBertEncoder.load(dir, EncoderOptions.defaults()).close())
        .getMessage();
  }

  private Path withWeightFile(byte[] bytes) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("raw-" + System.nanoTime()));
    Files.copy(GOLDEN.resolve("config.json"), dir.resolve("config.json"));
    Files.write(dir.resolve("model.safetensors"), bytes);
    return dir;
  }

  @Test
  void truncatedFile() throws IOException {
    byte[] full = Files.readAllBytes(GOLDEN.resolve("model.safetensors"));
    String msg = loadError(withWeightFile(java.util.Arrays.copyOf(full, full.length / 2)));
    assertTrue(msg.contains("truncated or corrupt file: tensor"), msg);
    assertTrue(msg.contains("but the file holds only"), msg);
  }

  @Test
  void headerLongerThanTheFile() throws IOException {
    ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000);
    String msg = loadError(withWeightFile(b.array()));
    assertTrue(msg.contains("declares 1000000 header bytes but the file holds 64 bytes"), msg);
  }

  @Test
  void fileShorterThanTheLengthField() throws IOException {
    String msg = loadError(withWeightFile(new byte[] {1, 2, 3}));
    assertTrue(msg.contains("not a safetensors file (3 bytes"), msg);
  }

  @Test
  void missingTensorsAndUnexpectedOnesAreListedTogether() throws IOException {
    Path dir =
        rewritten(
            "F32",
            (name, v) -> name.equals("model.layers.1.attn.Wqkv.weight") ? null : v,
            "model.extra.weight");
    String msg = loadError(dir);
    assertTrue(msg.contains("2 problems"), msg);
    assertTrue(msg.contains("missing layers.1.attn.Wqkv.weight [192, 64]"), msg);
    assertTrue(msg.contains("unexpected model.extra.weight"), msg);
  }

  @Test
  void wrongShape() throws IOException {
    Path dir =
        rewritten(
            "F32", (name, v) -> name.equals("model.final_norm.weight") ? new float[63] : v, null);
    String msg = loadError(dir);
    assertTrue(msg.contains("wrong shape for model.final_norm.weight: [63], expected [64]"), msg);
  }

  @Test
  void bf16IsConvertedOnLoadNotCrashed() throws IOException {
    // The same bf16-rounded values stored as BF16 and as F32 must give the same outputs.
    BiFunction<String, float[], float[]> round =
        (name, v) -> {
          float[] r = new float[v.length];
          for (int i = 0; i < v.length; i++) {
            r[i] = Float.intBitsToFloat((SafetensorsWriter.floatToBf16(v[i]) & 0xFFFF) << 16);
          }
          return r;
        };
    Path bf16 = rewritten("BF16", round, null);
    Path f32 = rewritten("F32", round, null);
    List<int[]> seqs = List.of(new int[] {500, 7, 9, 11, 501});
    try (ModernBertEncoder a = ModernBertEncoder.load(bf16, EncoderOptions.defaults());
        ModernBertEncoder b = ModernBertEncoder.load(f32, EncoderOptions.defaults())) {
      assertClose(
          flatten(b.lastHiddenState(seqs).get(0)),
          flatten(a.lastHiddenState(seqs).get(0)),
          0,
          "bf16 vs f32");
    }
  }

  @Test
  void f16IsReadToo() throws IOException {
    Path f16 = rewritten("F16", (name, v) -> v, null);
    List<int[]> seqs = List.of(new int[] {500, 7, 9, 11, 501});
    try (ModernBertEncoder a = ModernBertEncoder.load(f16, EncoderOptions.defaults());
        ModernBertEncoder b = ModernBertEncoder.load(GOLDEN, EncoderOptions.defaults())) {
      assertClose(
          flatten(b.lastHiddenState(seqs).get(0)),
          flatten(a.lastHiddenState(seqs).get(0)),
          0.05,
          "f16 vs f32");
    }
  }

  @Test
  void aWeightFileInsteadOfItsFolder() throws IOException {
    Path file = Files.write(tmp.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
    String msg =
        assertThrows(CheckpointException.class, () -> CheckpointFiles.open(file)).getMessage();
    assertTrue(msg.contains("is a file; give the folder that holds it and config.json"), msg);
  }

  @Test
  void missingFolderAndMissingWeights() throws IOException {
    String msg =
        assertThrows(
                CheckpointException.class, () -> CheckpointFiles.weightFiles(tmp.resolve("nope")))
            .getMessage();
    assertTrue(msg.contains("does not exist or is not a folder"), msg);
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Files.copy(GOLDEN.resolve("config.json"), empty.resolve("config.json"));
    assertTrue(
        loadError(empty)
            .contains(
                "no model.safetensors, model.safetensors.index.json, pytorch_model.bin,"
                    + " pytorch_model.bin.index.json in"));
  }

  @Test
  void shardedCheckpointLoadsLikeTheSingleFile() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("sharded"));
    Files.copy(GOLDEN.resolve("config.json"), dir.resolve("config.json"));
    SafetensorsWriter first = new SafetensorsWriter();
    SafetensorsWriter second = new SafetensorsWriter();
    StringBuilder map = new StringBuilder("{\"metadata\":{},\"weight_map\":{");
    try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("model.safetensors"))) {
      int i = 0;
      for (TensorInfo info : f.tensors().values()) {
        boolean one = i++ % 2 == 0;
        (one ? first : second).add(info.name(), info.shape(), f.readFloats(info.name()));
        map.append(i > 1 ? "," : "")
            .append('"')
            .append(info.name())
            .append("\":\"")
            .append(one ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors")
            .append('"');
      }
    }
    first.write(dir.resolve("model-00001-of-00002.safetensors"), "F32");
    second.write(dir.resolve("model-00002-of-00002.safetensors"), "F32");
    Files.writeString(dir.resolve("model.safetensors.index.json"), map.append("}}").toString());
    List<int[]> seqs = List.of(new int[] {500, 7, 9, 11, 501});
    try (ModernBertEncoder a = ModernBertEncoder.load(dir, EncoderOptions.defaults());
        ModernBertEncoder b = ModernBertEncoder.load(GOLDEN, EncoderOptions.defaults())) {
      assertClose(
          flatten(b.lastHiddenState(seqs).get(0)),
          flatten(a.lastHiddenState(seqs).get(0)),
          0,
          "sharded");
    }
  }

  @Test
  void bareModelKeysWithoutPrefixLoad() throws IOException {
    // A saved ModernBertModel has no "model." prefix and no head.
    Path dir = Files.createDirectories(tmp.resolve("bare"));
    Files.writeString(
        dir.resolve("config.json"),
        Files.readString(GOLDEN.resolve("config.json"))
            .replace("ModernBertForMaskedLM", "ModernBertModel"));
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile f = SafetensorsFile.open(GOLDEN.resolve("model.safetensors"))) {
      for (TensorInfo info : f.tensors().values()) {
        if (info.name().startsWith("model.")) {
          w.add(info.name().substring(6), info.shape(), f.readFloats(info.name()));
        }
      }
    }
    w.write(dir.resolve("model.safetensors"), "F32");
    try (ModernBertEncoder a = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      assertTrue(a.model().headKind() == HeadKind.NONE);
      var e =
          assertThrows(
              CheckpointException.class,
              () -> a.maskedLmLogits(List.of(new int[] {500, 501}), List.of(new int[] {0})));
      assertTrue(e.getMessage().contains("no task head"), e.getMessage());
    }
  }
}
