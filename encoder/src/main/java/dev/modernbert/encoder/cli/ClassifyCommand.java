package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.labels.LabelScore;
import dev.modernbert.encoder.labels.SequenceClassification;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.task.Output;
import dev.modernbert.encoder.task.SequenceClassify;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code modernbert classify}: a {@code ModernBertForSequenceClassification} checkpoint's label,
 * score, per-label scores and logits for every row.
 */
final class ClassifyCommand {
  static final String NAME = Output.CLASSIFY.command();

  static final List<Option<?>> OPTIONS = CliOptions.rowCommand(CliOptions.TOP_LABELS);

  static final String USAGE =
      """
      Usage: modernbert classify --model DIR|ID --input IN.jsonl --output OUT.jsonl [options]

      Classifies every line of IN.jsonl ({"id": ..., "text": "..."} or {"id": ..., "input_ids":
      [...]}) with a ModernBertForSequenceClassification checkpoint. OUT.jsonl gets one line per
      input line, in order:
        {"id": ..., "label": "...", "score": S, "probabilities": [...], "logits": [...]}
      label is the argmax named through id2label (LABEL_i when it has no name). By problem_type:
        single_label_classification  probabilities = softmax(logits), score = the label's
        multi_label_classification   "scores" (independent sigmoids) instead of "probabilities",
                                     and "labels": every label whose score is >= 0.5
        regression                   score = the raw value (the logit); no probabilities
      Without problem_type: regression for one label, single_label_classification otherwise.
      --top-k K adds "top": [{"label": ..., "score": S}, ...], the K best, best first.
      Rows whose text was cut to the maximum length get "truncated": true.

      """
          + CliHelp.section(OPTIONS)
          + Job.MODEL_NOTE;

  private ClassifyCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    Integer top = flags.value(CliOptions.TOP_LABELS);
    int topK = top == null ? 0 : top; // 0: no "top" list
    Job job = Job.from(flags, stdout);
    try (ModernBertEncoder encoder = job.load()) {
      SequenceClassify task = new SequenceClassify();
      job.require(encoder, task);
      long labels = Math.max(1, encoder.config().id2label().size());
      RowJob.run(
          job,
          encoder,
          LinePlanner.of(encoder, task),
          ids -> 2 * labels,
          (jw, line, c) -> write(jw, c, topK),
          err);
    }
    return Main.EXIT_OK;
  }

  private static void write(JsonWriter jw, SequenceClassification c, int topK) throws IOException {
    jw.name("label").value(c.label());
    jw.name("score").value(c.score());
    switch (c.problemType()) {
      case SINGLE_LABEL -> {
        jw.name("probabilities");
        RowOutput.floats(jw, c.scores());
      }
      case MULTI_LABEL -> {
        jw.name("scores");
        RowOutput.floats(jw, c.scores());
        jw.name("labels");
        RowOutput.strings(jw, c.activeLabels());
      }
      case REGRESSION -> {} // the values are the logits
    }
    jw.name("logits");
    RowOutput.floats(jw, c.logits());
    if (topK > 0) {
      jw.name("top").beginArray();
      for (LabelScore s : c.top(topK)) {
        jw.beginObject().name("label").value(s.label()).name("score").value(s.score()).endObject();
      }
      jw.endArray();
    }
  }
}
