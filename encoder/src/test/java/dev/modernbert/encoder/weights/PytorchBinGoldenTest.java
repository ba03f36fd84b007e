package dev.modernbert.encoder.weights;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.flatten;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.testing.Golden;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code pytorch_model.bin} fixtures load and give HF's outputs: {@code pytorch-bin} those of
 * {@code tiny-modernbert} (its weights are bit-identical), {@code pytorch-bin-fp16-sharded} its own
 * (float16 weights upcast). Tolerances as for tiny-modernbert: 1e-4 hidden states, 5e-4 logits.
 */
class PytorchBinGoldenTest {
  static final double HIDDEN_ATOL = 1e-4;
  static final double LOGIT_ATOL = 5e-4;
  private static final Path BIN = Golden.resource("golden/pytorch-bin");
  private static final Path FP16 = Golden.resource("golden/pytorch-bin-fp16-sharded");

  @TempDir Path tmp;

  @Test
  void pytorchBinHoldsTheSafetensorsWeightsBitForBit() {
    try (TensorFile bin = CheckpointFiles.open(BIN);
        TensorFile st = CheckpointFiles.open(Golden.resource("golden/tiny-modernbert"))) {
      assertTrue(bin instanceof TorchZipFile, bin.getClass().getName());
      for (TensorInfo info : st.tensors().values()) {
        TensorInfo other = bin.info(info.name());
        assertEquals("F32", other.dtype());
        assertArrayEquals(info.shape(), other.shape(), info.name());
        assertArrayEquals(st.readFloats(info.name()), bin.readFloats(info.name()), info.name());
      }
      // The .bin keeps the tied decoder on the embeddings' storage: same bytes, same place.
      assertEquals(st.tensors().size() + 1, bin.tensors().size());
      assertEquals(
          bin.info("model.embeddings.tok_embeddings.weight").begin(),
          bin.info("decoder.weight").begin());
    }
  }

  @Test
  void stateDictPickledAsOrderedDictWithMetadataReadsTheSame() throws IOException {
    // torch.save(model.state_dict()): an OrderedDict, then BUILD with {"_metadata": ...}.
    byte[] orderedDict = TorchZips.ascii("ccollections\nOrderedDict\n)R");
    Path file =
        TorchZips.rezipped(
            tmp,
            (name, b) -> {
              if (!name.equals(TorchZips.PICKLE)) {
                return b;
              }
              assertEquals('}', b[2]);
              assertEquals('.', b[b.length - 1]);
              return TorchZips.concat(
                  Arrays.copyOf(b, 2),
                  orderedDict,
                  Arrays.copyOfRange(b, 3, b.length - 1),
                  TorchZips.bytes('}'),
                  TorchZips.unicode(TorchZips.ascii("_metadata")),
                  orderedDict,
                  TorchZips.bytes('s', 'b', '.'));
            },
            java.util.zip.ZipEntry.STORED);
    try (TensorFile edited = TensorFile.open(file);
        TensorFile original = TensorFile.open(TorchZips.BIN)) {
      assertEquals(original.tensors().keySet(), edited.tensors().keySet());
      for (String name : original.tensors().keySet()) {
        assertArrayEquals(original.readFloats(name), edited.readFloats(name), name);
      }
    }
  }

  @Test
  void pytorchBinGivesTinyModernBertGoldenOutputs() {
    assertEquals(HeadKind.MASKED_LM, Weights.headOf(BIN));
    try (Golden g = Golden.open(Golden.MAIN);
        ModernBertEncoder enc = ModernBertEncoder.load(BIN, EncoderOptions.defaults())) {
      List<int[]> seqs = g.sequences();
      List<int[]> positions = g.logitPositions();
      Golden.assertMatchesHf(
          enc, seqs, positions, g::floats, HIDDEN_ATOL, LOGIT_ATOL, "pytorch-bin");
    }
  }

  @Test
  void shardedFloat16BinGivesItsGoldenOutputs() {
    assertEquals(4, CheckpointFiles.weightFiles(FP16).size());
    assertEquals(HeadKind.MASKED_LM, Weights.headOf(FP16));
    try (TensorFile f = CheckpointFiles.open(FP16);
        SafetensorsFile golden = SafetensorsFile.open(FP16.resolve("golden.safetensors"));
        ModernBertEncoder enc = ModernBertEncoder.load(FP16, EncoderOptions.defaults())) {
      assertTrue(f.tensors().values().stream().allMatch(t -> t.dtype().equals("F16")));
      long[] lengths = longs(golden, "lengths");
      long[] ids = longs(golden, "input_ids");
      int width = (int) golden.info("input_ids").shape()[1];
      List<int[]> seqs = new ArrayList<>();
      List<int[]> positions = new ArrayList<>();
      for (int i = 0; i < lengths.length; i++) {
        seqs.add(toInts(Arrays.copyOfRange(ids, i * width, i * width + (int) lengths[i])));
        positions.add(toInts(longs(golden, "seq" + i + ".positions")));
      }
      Golden.assertMatchesHf(
          enc,
          seqs,
          positions,
          golden::readFloats,
          HIDDEN_ATOL,
          LOGIT_ATOL,
          "pytorch-bin-fp16-sharded");
    }
  }

  @Test
  void safetensorsIsPreferredWhenBothArePresent() throws IOException {
    // The .bin next to it is the malicious one: it must not even be opened.
    Path dir = Files.createDirectories(tmp.resolve("both"));
    Path tiny = Golden.resource("golden/tiny-modernbert");
    Files.copy(tiny.resolve("config.json"), dir.resolve("config.json"));
    Files.copy(tiny.resolve("model.safetensors"), dir.resolve("model.safetensors"));
    Files.copy(
        Golden.resource("golden/malicious/pytorch_model.bin"), dir.resolve("pytorch_model.bin"));
    assertEquals(List.of(dir.resolve("model.safetensors")), CheckpointFiles.weightFiles(dir));
    try (Golden g = Golden.open(Golden.MAIN);
        ModernBertEncoder enc = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      int[] seq = g.sequences().get(2);
      assertClose(
          g.floats("single.seq2.last_hidden_state"),
          flatten(enc.lastHiddenState(List.of(seq)).get(0)),
          HIDDEN_ATOL,
          "safetensors next to a .bin");
    }
  }

  private static long[] longs(TensorFile f, String name) {
    LongBuffer b = f.bytes(name).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer();
    long[] out = new long[b.remaining()];
    b.get(out);
    return out;
  }

  private static int[] toInts(long[] values) {
    return Arrays.stream(values).mapToInt(Math::toIntExact).toArray();
  }
}
