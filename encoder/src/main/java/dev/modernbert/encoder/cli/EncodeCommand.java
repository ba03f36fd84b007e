package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
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
        --max-length N       truncate texts to N tokens (default: the model's maximum)
        --batch-tokens N     token budget per batch (default 16384)
        --device D           cpu or cuda:N (default cpu)
        --dtype T            float32 or float16 (default float32)
        --threads N          libtorch intra-op threads (default: all cores)
        --chunk-rows N       rows per encoder call, bounds memory (default 4096)
        --help               this text
      """;

  private static final Set<String> VALUED = new HashSet<>(Job.FLAGS);

  static {
    VALUED.add("--pooling");
  }

  private EncodeCommand() {}

  static int run(String[] args, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, VALUED, Set.of("--normalize"));
    Pooling pooling = Pooling.parse(flags.choice("--pooling", "cls", "none", "cls", "mean"));
    boolean normalize = flags.has("--normalize");
    if (normalize && pooling == Pooling.NONE) {
      throw CliException.usage(NAME, "--normalize needs --pooling cls or mean");
    }
    Job job = Job.from(flags);
    try (ModernBertEncoder encoder = job.load()) {
      JsonlInput.validate(job.input(), encoder);
      int hidden = encoder.config().hiddenSize();
      long[] totals = new long[3]; // rows, tokens, truncated
      long start = System.nanoTime();
      try (AtomicOutput out = AtomicOutput.create(job.output())) {
        Writer w = out.writer();
        JsonlInput.forEachChunk(
            job.input(),
            encoder,
            job.chunkRows(),
            Job.CHUNK_FLOAT_BUDGET,
            ids -> pooling == Pooling.NONE ? (long) ids.length * hidden : hidden,
            chunk -> {
              List<int[]> seqs = new ArrayList<>(chunk.size());
              chunk.forEach(r -> seqs.add(r.ids()));
              if (pooling == Pooling.NONE) {
                List<float[][]> states = encoder.lastHiddenState(seqs);
                for (int i = 0; i < chunk.size(); i++) {
                  write(w, chunk.get(i), "last_hidden_state", states.get(i));
                }
              } else {
                List<float[]> vectors = encoder.embed(seqs, pooling, normalize);
                for (int i = 0; i < chunk.size(); i++) {
                  write(w, chunk.get(i), "embedding", new float[][] {vectors.get(i)});
                }
              }
              for (JsonlInput.Prepared r : chunk) {
                totals[0]++;
                totals[1] += r.ids().length;
                totals[2] += r.truncated() ? 1 : 0;
              }
            });
        out.commit();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      err.printf(
          Locale.ROOT,
          "encode: %d rows, %d tokens, %d truncated, %.2f s, %s tokens/s -> %s%n",
          totals[0],
          totals[1],
          totals[2],
          seconds,
          Job.rate(totals[1], seconds),
          job.output());
    }
    return Main.EXIT_OK;
  }

  /** One line; {@code rows} is a single vector for {@code embedding}. */
  private static void write(Writer w, JsonlInput.Prepared row, String field, float[][] rows)
      throws IOException {
    JsonWriter jw = new JsonWriter(w);
    jw.beginObject();
    jw.name("id");
    JsonlInput.ELEMENT.write(jw, row.id());
    if (row.truncated()) {
      jw.name("truncated").value(true);
    }
    jw.name(field);
    boolean nested = field.equals("last_hidden_state");
    if (nested) {
      jw.beginArray();
    }
    for (float[] r : rows) {
      jw.beginArray();
      for (float v : r) {
        jw.value(v);
      }
      jw.endArray();
    }
    if (nested) {
      jw.endArray();
    }
    jw.endObject();
    w.write('\n');
  }
}
