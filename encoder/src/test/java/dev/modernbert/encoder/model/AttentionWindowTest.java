package dev.modernbert.encoder.model;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static dev.modernbert.encoder.testing.Assertions.maxAbsDiff;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.demo.RandomCheckpoint;
import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TaskBatch;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Invariants of the attention kernels that the golden sequences (130 tokens at most) cannot reach.
 */
class AttentionWindowTest {
  @TempDir Path tmp;

  static JsonObject tinyConfig(int layers, String... layerTypes) {
    JsonObject c = new JsonObject();
    c.addProperty("vocab_size", 128);
    c.addProperty("hidden_size", 32);
    c.addProperty("intermediate_size", 48);
    c.addProperty("num_hidden_layers", layers);
    c.addProperty("num_attention_heads", 2);
    c.addProperty("local_attention", 8); // radius 4
    c.addProperty("max_position_embeddings", 1024);
    c.addProperty("pad_token_id", 0);
    c.addProperty("cls_token_id", 1);
    c.addProperty("sep_token_id", 2);
    if (layerTypes.length > 0) {
      JsonArray types = new JsonArray();
      for (String t : layerTypes) {
        types.add(t);
      }
      c.add("layer_types", types);
    }
    return c;
  }

  static int[] randomSequence(Random r, int length) {
    int[] ids = r.ints(length, 3, 128).toArray();
    ids[0] = 1;
    ids[length - 1] = 2;
    return ids;
  }

  @Test
  void localLayerSeesExactlyTheWindow() throws Exception {
    Path dir = tmp.resolve("local-only");
    RandomCheckpoint.write(dir, tinyConfig(1, "sliding_attention"), HeadKind.NONE, 11);
    try (ModernBertEncoder enc = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      int[] base = randomSequence(new Random(3), 200);
      int p = 100;
      int[] outside = base.clone();
      outside[p + 5] = outside[p + 5] == 7 ? 8 : 7; // |i-j| = 5 > radius 4
      outside[p - 5] = outside[p - 5] == 7 ? 8 : 7;
      int[] inside = base.clone();
      inside[p + 4] = inside[p + 4] == 7 ? 8 : 7; // |i-j| = 4: inside (inclusive)
      List<float[][]> out = enc.lastHiddenState(List.of(base, outside, inside));
      assertClose(out.get(0)[p], out.get(1)[p], 1e-6, "change outside the window");
      assertTrue(
          maxAbsDiff(out.get(0)[p], out.get(2)[p]) > 1e-3,
          "a change inside the window must be seen");
    }
  }

  @Test
  void fusedBandedKernelEqualsTheDenseMaskedOne() throws Exception {
    // Long, unequal sequences: key padding in every global layer, many local blocks.
    Path dir = tmp.resolve("mixed");
    RandomCheckpoint.write(dir, tinyConfig(3), HeadKind.NONE, 12);
    Random r = new Random(5);
    List<int[]> seqs = new ArrayList<>();
    for (int len : new int[] {300, 7, 129, 64, 2, 250}) {
      seqs.add(randomSequence(r, len));
    }
    try (ModernBertEncoder enc = ModernBertEncoder.load(dir, EncoderOptions.defaults())) {
      ModernBertModel model = enc.model();
      BatchLayout packed = BatchLayout.packed(BatchLayout.lengthsOf(seqs));
      BatchLayout padded = BatchLayout.padded(BatchLayout.lengthsOf(seqs));
      float[][] fast = rows(enc, seqs, packed, AttentionKernel.fused());
      float[][] dense = rows(enc, seqs, padded, AttentionKernel.dense());
      for (int b = 0; b < seqs.size(); b++) {
        for (int t = 0; t < seqs.get(b).length; t++) {
          assertClose(
              dense[padded.rowStart(b) + t],
              fast[packed.rowStart(b) + t],
              1e-5,
              "seq " + b + " token " + t);
        }
      }
      assertTrue(model.config().numHiddenLayers() == 3);
    }
  }

  /** Every row of {@code last_hidden_state} (padding rows too, in a padded layout). */
  private record AllRows() implements EncoderTask<Void, float[][]> {
    @Override
    public String name() {
      return "all rows";
    }

    @Override
    public List<float[][]> read(TaskBatch<Void> batch) {
      float[][] all = TaskBatch.rows(batch.hidden()).toArray(new float[0][]);
      return List.<float[][]>of(all);
    }
  }

  private static float[][] rows(
      ModernBertEncoder enc, List<int[]> seqs, BatchLayout layout, AttentionKernel kernel) {
    return enc.runBatch(new AllRows(), seqs, null, layout, kernel).get(0);
  }
}
