package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.head.MaskPrediction;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.encoder.task.FillMask;
import dev.modernbert.encoder.task.MaskedLmLogits;
import dev.modernbert.encoder.task.Output;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code modernbert fill-mask}: for every mask token of every row, the {@code --top-k} most likely
 * tokens with their softmax probabilities.
 */
final class FillMaskCommand {
  static final String NAME = Output.FILL_MASK.command();

  static final List<Option<?>> OPTIONS =
      CliOptions.rowCommand(TaskOptions.TOP_K, CliOptions.MASK_ID);

  static final String USAGE =
      """
      Usage: modernbert fill-mask --model DIR|ID --input IN.jsonl --output OUT.jsonl [options]

      Predicts the token at every mask position of every line of IN.jsonl ({"id": ..., "text":
      "... [MASK] ..."} or {"id": ..., "input_ids": [...]}). OUT.jsonl gets one line per input
      line, in order:
        {"id": ..., "masks": [{"position": P, "top": [{"token_id": I, "score": S, "token": "..."},
        ...]}]}
      position is the token index (with [CLS] at 0), score the softmax probability, token is
      present when the model has a tokenizer. Rows without a mask get "masks": [].

      """
          + CliHelp.section(OPTIONS)
          + Job.MODEL_NOTE;

  private FillMaskCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    int topK = flags.value(TaskOptions.TOP_K);
    Integer mask = flags.value(CliOptions.MASK_ID);
    int givenMaskId = mask == null ? -1 : mask; // -1: the tokenizer's
    Job job = Job.from(flags, stdout);
    try (ModernBertEncoder encoder = job.load()) {
      job.require(encoder, new MaskedLmLogits()); // the head first; the mask id below
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
      FillMask task = new FillMask(topK, maskId);
      long[] masks = {0};
      RowJob.run(
          job,
          encoder,
          task,
          ids -> (long) TokenizedText.positionsOf(ids, maskId).length * vocab,
          (chunk, w) -> {
            List<int[]> seqs = new ArrayList<>();
            for (JsonlInput.Prepared r : chunk) {
              if (TokenizedText.positionsOf(r.ids(), maskId).length > 0) {
                seqs.add(r.ids()); // rows without a mask need no forward pass
              }
            }
            List<List<MaskPrediction>> predictions =
                seqs.isEmpty() ? List.of() : encoder.run(task, seqs, null).values();
            int next = 0;
            for (JsonlInput.Prepared r : chunk) {
              int[] pos = TokenizedText.positionsOf(r.ids(), maskId);
              write(w, r, pos, pos.length > 0 ? predictions.get(next++) : List.of());
              masks[0] += pos.length;
            }
          },
          err,
          () -> ", " + masks[0] + " masks");
    }
    return Main.EXIT_OK;
  }

  /** One line: the predictions grouped by mask position, best first within a mask. */
  private static void write(
      Writer w, JsonlInput.Prepared row, int[] positions, List<MaskPrediction> predictions)
      throws IOException {
    JsonWriter jw = RowOutput.begin(w, row);
    jw.name("masks").beginArray();
    for (int position : positions) {
      jw.beginObject();
      jw.name("position").value(position);
      jw.name("top").beginArray();
      for (MaskPrediction p : predictions) {
        if (p.position() != position) {
          continue;
        }
        jw.beginObject();
        jw.name("token_id").value(p.tokenId());
        jw.name("score").value(p.score());
        if (p.token() != null) {
          jw.name("token").value(p.token());
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
