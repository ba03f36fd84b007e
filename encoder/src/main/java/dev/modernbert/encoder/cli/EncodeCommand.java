package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code modernbert encode}: one output line per input line, in input order, with {@code id}, an
 * optional {@code "truncated": true}, and either {@code embedding} (pooled) or {@code
 * last_hidden_state} ({@code --pooling none}).
 */
final class EncodeCommand {
  static final String NAME = "encode";

  static final String USAGE =
      """
      Usage: modernbert encode --model DIR --input IN.jsonl --output OUT.jsonl [options]

      Embeds every line of IN.jsonl: {"id": ..., "text": "..."} or {"id": ..., "input_ids": [...]}
      (ids used as is, [CLS]/[SEP] included). OUT.jsonl gets one line per input line, in order:
        {"id": ..., "embedding": [...]}                      (--pooling cls|mean)
        {"id": ..., "last_hidden_state": [[...], ...]}       (--pooling none)
      plus "truncated": true on rows whose text was cut to the maximum length.

      Options:
        --model DIR          checkpoint folder (config.json, model.safetensors, tokenizer.json),
                             or demo for the bundled demo model
        --input FILE         JSON Lines input
        --output FILE        JSON Lines output (written atomically: complete or absent)
        --pooling P          none, cls or mean (default cls)
        --normalize          L2-normalise pooled embeddings
      """
          + Job.RUN_OPTIONS_HELP;

  private static final Set<String> VALUED = new HashSet<>(Job.FLAGS);

  static {
    VALUED.add("--pooling");
  }

  private EncodeCommand() {}

  static int run(String[] args, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, VALUED, Set.of("--normalize"));
    String poolingFlag = flags.choice("--pooling", "cls", "none", "auto", "cls", "mean");
    boolean hiddenStates = poolingFlag.equals("none"); // one vector per token, no pooling
    boolean normalize = flags.has("--normalize");
    if (normalize && hiddenStates) {
      throw CliException.usage(NAME, "--normalize needs --pooling cls or mean");
    }
    Job job = Job.from(flags);
    try (ModernBertEncoder encoder = job.load()) {
      int hidden = encoder.config().hiddenSize();
      RowJob.run(
          job,
          encoder,
          ids -> hiddenStates ? (long) ids.length * hidden : hidden,
          (chunk, w) -> {
            List<int[]> seqs = RowJob.ids(chunk);
            if (hiddenStates) {
              List<float[][]> states = encoder.lastHiddenState(seqs);
              for (int i = 0; i < chunk.size(); i++) {
                JsonWriter jw = RowOutput.begin(w, chunk.get(i));
                jw.name("last_hidden_state").beginArray();
                for (float[] row : states.get(i)) {
                  RowOutput.floats(jw, row);
                }
                jw.endArray();
                RowOutput.end(jw, w);
              }
            } else {
              List<float[]> vectors = encoder.embed(seqs, Pooling.parse(poolingFlag), normalize);
              for (int i = 0; i < chunk.size(); i++) {
                JsonWriter jw = RowOutput.begin(w, chunk.get(i));
                jw.name("embedding");
                RowOutput.floats(jw, vectors.get(i));
                RowOutput.end(jw, w);
              }
            }
          },
          err);
    }
    return Main.EXIT_OK;
  }
}
