package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.labels.MaskPrediction;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.encoder.task.FillMask;
import dev.modernbert.encoder.task.MaskedLmLogits;
import dev.modernbert.encoder.task.Output;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.function.Function;

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
          planner(encoder, task),
          ids -> (long) TokenizedText.positionsOf(ids, maskId).length * vocab,
          (jw, line, predictions) -> {
            int[] positions = TokenizedText.positionsOf(line.ids(), maskId);
            write(jw, positions, predictions);
            masks[0] += positions.length;
          },
          err,
          () -> ", " + masks[0] + " masks");
    }
    return Main.EXIT_OK;
  }

  /**
   * Lines through {@code task}'s plans, except that a line without a mask plans no sequence: it
   * needs no forward pass, and its value is no predictions.
   */
  private static LinePlanner<List<MaskPrediction>> planner(
      ModernBertEncoder encoder, FillMask task) {
    LinePlanner<List<MaskPrediction>> each = LinePlanner.of(encoder, task);
    Function<JsonlInput.Planned<List<MaskPrediction>>, JsonlInput.Planned<List<MaskPrediction>>>
        skipWithoutMask =
            line -> {
              if (TokenizedText.positionsOf(line.ids(), task.maskId()).length > 0) {
                return line;
              }
              return new JsonlInput.Planned<>(
                  line.ids(),
                  TextPlan.noSequences(task, line.plan().truncated(), List.<MaskPrediction>of()));
            };
    return new LinePlanner<>(
        each.text().andThen(skipWithoutMask), each.ids().andThen(skipWithoutMask), null);
  }

  /** A line's predictions grouped by mask position, best first within a mask. */
  private static void write(JsonWriter jw, int[] positions, List<MaskPrediction> predictions)
      throws IOException {
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
  }
}
