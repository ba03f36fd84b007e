package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.labels.Entity;
import dev.modernbert.encoder.labels.TokenClassification;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.task.Output;
import dev.modernbert.encoder.task.TokenClassify;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code modernbert token-classify}: a {@code ModernBertForTokenClassification} checkpoint's logits
 * and label for every token, and for text input the entities grouped from them.
 */
final class TokenClassifyCommand {
  static final String NAME = Output.TOKEN_CLASSIFY.command();

  static final List<Option<?>> OPTIONS = CliOptions.rowCommand();

  static final String USAGE =
      """
      Usage: modernbert token-classify --model DIR|ID --input IN.jsonl --output OUT.jsonl [options]

      Labels every token of every line of IN.jsonl ({"id": ..., "text": "..."} or {"id": ...,
      "input_ids": [...]}) with a ModernBertForTokenClassification checkpoint. OUT.jsonl gets one
      line per input line, in order:
        {"id": ..., "logits": [[...], ...], "labels": ["O", "B-PER", ...],
         "entities": [{"start": S, "end": E, "label": "PER", "score": P, "text": "..."}]}
      logits and labels have one entry per token, [CLS] and [SEP] included; labels are the argmax
      per token, named through id2label. entities (text input only) group B-X/I-X words into
      entities X; a word takes its first token's label; start/end are character offsets into the
      text (text.substring(start, end) is the entity's text); score is the mean top probability of
      its tokens. Rows whose text was cut to the maximum length get "truncated": true.

      """
          + CliHelp.section(OPTIONS)
          + Job.MODEL_NOTE;

  private TokenClassifyCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    Job job = Job.from(flags, stdout);
    try (ModernBertEncoder encoder = job.load()) {
      TokenClassify task = new TokenClassify();
      job.require(encoder, task);
      long labels = Math.max(2, encoder.config().id2label().size());
      RowJob.run(
          job,
          encoder,
          // text lines plan their text and tokens as the argument, so the task groups entities
          LinePlanner.of(encoder, task),
          ids -> ids.length * (labels + 2),
          (jw, line, c) -> write(jw, line, c),
          err);
    }
    return Main.EXIT_OK;
  }

  private static void write(JsonWriter jw, JsonlInput.Prepared<?> row, TokenClassification c)
      throws IOException {
    jw.name("logits").beginArray();
    for (float[] token : c.logits()) {
      RowOutput.floats(jw, token);
    }
    jw.endArray();
    jw.name("labels");
    RowOutput.strings(jw, c.labels());
    if (row.text() != null) {
      jw.name("entities").beginArray();
      for (Entity e : c.entities()) {
        jw.beginObject();
        jw.name("start").value(e.start());
        jw.name("end").value(e.end());
        jw.name("label").value(e.label());
        jw.name("score").value(e.score());
        jw.name("text").value(e.text());
        jw.endObject();
      }
      jw.endArray();
    }
  }
}
