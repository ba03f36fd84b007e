package dev.modernbert.encoder.task;

import dev.modernbert.encoder.labels.MaskPrediction;
import dev.modernbert.encoder.labels.Scores;
import dev.modernbert.encoder.tokenize.TextTokenizer;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.util.ArrayList;
import java.util.List;

/**
 * Fill-mask: at every position holding the mask token, the {@code topK} most likely tokens with
 * their softmax probabilities over the whole vocabulary (mask by mask in sequence order, best first
 * within a mask). Only the top k come back from the device thread, not the vocabulary-wide logits.
 *
 * @param maskId the mask token's id, or {@link #TOKENIZER_MASK} for the tokenizer's {@code
 *     mask_token}
 */
public record FillMask(int topK, int maskId) implements EncoderTask<Void, List<MaskPrediction>> {
  public static final int TOKENIZER_MASK = -1;

  public FillMask {
    if (topK <= 0) {
      throw new IllegalArgumentException("topK must be positive, got " + topK);
    }
  }

  /** Predictions at the tokenizer's mask token. */
  public static FillMask of(int topK) {
    return new FillMask(topK, TOKENIZER_MASK);
  }

  @Override
  public String name() {
    return "fill-mask";
  }

  @Override
  public HeadKind requiredHead() {
    return HeadKind.MASKED_LM;
  }

  @Override
  public String problemWith(LoadedModel model) {
    String head = EncoderTask.super.problemWith(model);
    if (head != null || maskId != TOKENIZER_MASK) {
      return head;
    }
    if (!model.hasTokenizer()) {
      return "fill-mask: "
          + model.modelDir()
          + " has no tokenizer.json to take the mask token from";
    }
    return model.tokenizer().maskId().isPresent()
        ? null
        : "fill-mask: the tokenizer of " + model.modelDir() + " has no mask token";
  }

  @Override
  public List<List<MaskPrediction>> read(TaskBatch<Void> batch) {
    LoadedModel model = batch.loaded();
    TextTokenizer tokenizer = model.hasTokenizer() ? model.tokenizer() : null;
    int mask = maskId == TOKENIZER_MASK ? tokenizer.maskId().getAsInt() : maskId;
    int k = Math.min(topK, model.config().vocabSize());
    List<int[]> positions = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      positions.add(TokenizedText.positionsOf(batch.ids(i), mask));
    }
    List<float[][]> logits = MaskedLmLogits.logitsAt(batch, positions);
    List<List<MaskPrediction>> out = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      List<MaskPrediction> preds = new ArrayList<>();
      for (int m = 0; m < positions.get(i).length; m++) {
        float[] l = logits.get(i)[m];
        int[] top = Scores.topK(l, k);
        double[] probs = Scores.softmaxAt(l, top);
        for (int j = 0; j < top.length; j++) {
          String token = tokenizer == null ? null : tokenizer.token(top[j]);
          preds.add(new MaskPrediction(positions.get(i)[m], top[j], token, (float) probs[j]));
        }
      }
      out.add(preds);
    }
    return out;
  }
}
