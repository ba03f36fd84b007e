package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.head.Scores;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code modernbert fill-mask}: for every mask token of every row, the {@code --top-k} most likely
 * tokens with their softmax probabilities.
 */
final class FillMaskCommand {
  static final String NAME = "fill-mask";

  static final String USAGE =
      """
      Usage: modernbert fill-mask --model DIR --input IN.jsonl --output OUT.jsonl [options]

      Predicts the token at every mask position of every line of IN.jsonl ({"id": ..., "text":
      "... [MASK] ..."} or {"id": ..., "input_ids": [...]}). OUT.jsonl gets one line per input
      line, in order:
        {"id": ..., "masks": [{"position": P, "top": [{"token_id": I, "score": S, "token": "..."},
        ...]}]}
      position is the token index (with [CLS] at 0), score the softmax probability, token is
      present when the model has a tokenizer. Rows without a mask get "masks": [].

      Options:
        --model DIR          checkpoint folder of a ModernBertForMaskedLM, or demo
        --input FILE         JSON Lines input
        --output FILE        JSON Lines output (written atomically: complete or absent)
        --top-k K            predictions per mask (default 5)
        --mask-id ID         the mask token id (default: the tokenizer's mask_token;
                             required when the model has no tokenizer.json)
      """
          + Job.RUN_OPTIONS_HELP;

  private static final Set<String> VALUED = new HashSet<>(Job.FLAGS);

  static {
    VALUED.add("--top-k");
    VALUED.add("--mask-id");
  }

  private FillMaskCommand() {}

  static int run(String[] args, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, VALUED, Set.of());
    int topK = flags.intAtLeast("--top-k", 5, 1);
    int givenMaskId = flags.intAtLeast("--mask-id", -1, 0);
    Job job = Job.from(flags);
    try (ModernBertEncoder encoder = job.load()) {
      job.requireHead(encoder, HeadKind.MASKED_LM);
      int vocab = encoder.config().vocabSize();
      int maskId;
      if (givenMaskId >= 0) {
        if (givenMaskId >= vocab) {
          throw CliException.usage(
              NAME, "--mask-id: " + givenMaskId + " is outside the vocabulary [0, " + vocab + ")");
        }
        maskId = givenMaskId;
      } else if (encoder.hasTokenizer() && encoder.tokenizer().maskId().isPresent()) {
        maskId = encoder.tokenizer().maskId().getAsInt();
      } else {
        throw CliException.usage(
            NAME,
            "--mask-id is required: "
                + job.model()
                + (encoder.hasTokenizer()
                    ? "'s tokenizer has no mask token"
                    : " has no tokenizer.json to take it from"));
      }
      int k = Math.min(topK, vocab);
      long[] masks = {0};
      RowJob.run(
          job,
          encoder,
          ids -> (long) TokenizedText.positionsOf(ids, maskId).length * vocab,
          (chunk, w) -> {
            List<int[]> seqs = new ArrayList<>();
            List<int[]> positions = new ArrayList<>();
            for (JsonlInput.Prepared r : chunk) {
              int[] pos = TokenizedText.positionsOf(r.ids(), maskId);
              if (pos.length > 0) { // rows without a mask need no forward pass
                seqs.add(r.ids());
                positions.add(pos);
              }
            }
            List<float[][]> logits =
                seqs.isEmpty() ? List.of() : encoder.maskedLmLogits(seqs, positions);
            int next = 0;
            for (JsonlInput.Prepared r : chunk) {
              int[] pos = TokenizedText.positionsOf(r.ids(), maskId);
              float[][] rowLogits = pos.length > 0 ? logits.get(next++) : new float[0][];
              write(w, r, pos, rowLogits, k, encoder);
              masks[0] += pos.length;
            }
          },
          err,
          () -> ", " + masks[0] + " masks");
    }
    return Main.EXIT_OK;
  }

  private static void write(
      Writer w,
      JsonlInput.Prepared row,
      int[] positions,
      float[][] logits,
      int k,
      ModernBertEncoder encoder)
      throws IOException {
    JsonWriter jw = RowOutput.begin(w, row);
    jw.name("masks").beginArray();
    for (int m = 0; m < positions.length; m++) {
      jw.beginObject();
      jw.name("position").value(positions[m]);
      jw.name("top").beginArray();
      float[] l = logits[m];
      int[] top = Scores.topK(l, k);
      double[] probs = Scores.softmaxAt(l, top);
      for (int j = 0; j < top.length; j++) {
        jw.beginObject();
        jw.name("token_id").value(top[j]);
        jw.name("score").value((float) probs[j]);
        if (encoder.hasTokenizer()) {
          jw.name("token").value(encoder.tokenizer().token(top[j]));
        }
        jw.endObject();
      }
      jw.endArray();
      jw.endObject();
    }
    jw.endArray();
    RowOutput.end(jw, w);
  }
}
