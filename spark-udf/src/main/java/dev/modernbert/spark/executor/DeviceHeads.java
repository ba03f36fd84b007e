package dev.modernbert.spark.executor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.head.ClassifierReaders;
import dev.modernbert.encoder.head.Scores;
import dev.modernbert.encoder.pool.Pooler;
import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The runner-side heads: pooling, the two classifiers, and masked-LM top-k. */
public final class DeviceHeads {
  private DeviceHeads() {}

  /** Pooled (optionally L2-normalised) embeddings, read back as float32. */
  public record Pooled(Pooling pooling, boolean normalize) implements DeviceHead<Void, float[]> {
    @Override
    public ModernBertEncoder.BatchReader<float[]> reader(
        ModernBertEncoder encoder, List<Void> args) {
      return (hidden, batch, members) -> {
        float[] flat = floats(Pooler.pool(hidden, batch, pooling, normalize));
        int width = flat.length / members.length;
        List<float[]> out = new ArrayList<>(members.length);
        for (int r = 0; r < members.length; r++) {
          out.add(Arrays.copyOfRange(flat, r * width, (r + 1) * width));
        }
        return out;
      };
    }
  }

  /** Sequence-classifier logits ({@code [labels]} per sequence), pooled as the checkpoint says. */
  public record SequenceLogits(Pooling pooling) implements DeviceHead<Void, float[]> {
    @Override
    public ModernBertEncoder.BatchReader<float[]> reader(
        ModernBertEncoder encoder, List<Void> args) {
      return ClassifierReaders.sequenceLogits(encoder.model(), pooling);
    }
  }

  /** Token-classifier logits ({@code [tokens][labels]} per sequence). */
  public record TokenLogits() implements DeviceHead<Void, float[][]> {
    @Override
    public ModernBertEncoder.BatchReader<float[][]> reader(
        ModernBertEncoder encoder, List<Void> args) {
      return ClassifierReaders.tokenLogits(encoder.model());
    }
  }

  /**
   * The {@code k} most likely tokens at each given position (the argument: a sequence's mask
   * positions), with their softmax probabilities over the whole vocabulary. Only the top k come
   * back from the runner, not the vocabulary-wide logits.
   */
  public record MaskedTopK(int k) implements DeviceHead<int[], MaskPredictions> {
    @Override
    public ModernBertEncoder.BatchReader<MaskPredictions> reader(
        ModernBertEncoder encoder, List<int[]> positions) {
      ModernBertEncoder.BatchReader<float[][]> logits = encoder.maskedLmReader(positions);
      int kk = Math.min(k, encoder.config().vocabSize());
      return (hidden, batch, members) -> {
        List<float[][]> perSeq = logits.read(hidden, batch, members);
        List<MaskPredictions> out = new ArrayList<>(perSeq.size());
        for (int i = 0; i < perSeq.size(); i++) {
          float[][] l = perSeq.get(i);
          int[][] ids = new int[l.length][];
          double[][] probs = new double[l.length][];
          for (int m = 0; m < l.length; m++) {
            ids[m] = Scores.topK(l[m], kk);
            probs[m] = Scores.softmaxAt(l[m], ids[m]);
          }
          out.add(new MaskPredictions(positions.get(members[i]), ids, probs));
        }
        return out;
      };
    }
  }

  /**
   * One sequence's fill-mask result: for each mask position, the top token ids (best first) and
   * their probabilities.
   */
  public record MaskPredictions(int[] positions, int[][] tokenIds, double[][] scores) {}

  static float[] floats(NDArray a) {
    return a.getDataType() == DataType.FLOAT32
        ? a.toFloatArray()
        : a.toType(DataType.FLOAT32, false).toFloatArray();
  }
}
