package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.longtext.Aggregate;
import dev.modernbert.encoder.longtext.ChunkEmbedding;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.longtext.LongTextMode;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.HiddenStates;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
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
      Usage: modernbert encode --model DIR|ID --input IN.jsonl --output OUT.jsonl [options]

      Embeds every line of IN.jsonl: {"id": ..., "text": "..."} or {"id": ..., "input_ids": [...]}
      (ids used as is, [CLS]/[SEP] included). OUT.jsonl gets one line per input line, in order:
        {"id": ..., "embedding": [...]}                      (every --pooling but none)
        {"id": ..., "last_hidden_state": [[...], ...]}       (--pooling none)
      plus "truncated": true on rows whose text was cut to the maximum length.
      A sentence-transformers folder (modules.json) embeds as sentence-transformers does: its
      Pooling, Dense and Normalize modules, its prompts and its max_seq_length.

      Options:
        --model DIR|ID       a ModernBERT checkpoint (config.json, weights, tokenizer.json), or
                             demo for the bundled demo model (see --model below)
        --input FILE         JSON Lines input
        --output FILE        JSON Lines output (written atomically: complete or absent); - for
                             standard output; a FIFO or device is written in place
        --pooling P          auto (default: the folder's sentence-transformers pipeline, else
                             cls), cls, mean, max, mean_sqrt_len, weightedmean, lasttoken (replace
                             only the Pooling module), or none (hidden states)
        --normalize          L2-normalise embeddings (after --truncate-dim)
        --prompt TEXT        text put before every text ("" = no prompt, not even the default)
        --prompt-name NAME   a prompt of config_sentence_transformers.json (e.g. query, document);
                             without --prompt or --prompt-name, its default_prompt_name applies
        --truncate-dim N     keep the first N values (Matryoshka); 0 keeps all
        --long-text MODE     truncate (default: keep the first tokens that fit), chunk (one
                             vector per window of the text) or late (late chunking: windows run
                             through the model, spans of --chunk-tokens tokens mean-pooled)
        --window-tokens N    chunk/late: content tokens per window (default: all that fit)
        --window-overlap N   chunk/late: tokens a window shares with the one before (0)
        --chunk-tokens N     late: tokens per output chunk (256)
        --aggregate A        chunk/late: none (a "chunks" list per line: chunk_index, char_start,
                             char_end, embedding), mean (token-weighted) or max (one "embedding")
      """
          + Job.RUN_OPTIONS_HELP;

  private static final Set<String> VALUED = new HashSet<>(Job.FLAGS);

  static {
    VALUED.addAll(
        List.of(
            "--pooling",
            "--prompt",
            "--prompt-name",
            "--truncate-dim",
            "--long-text",
            "--window-tokens",
            "--window-overlap",
            "--chunk-tokens",
            "--aggregate"));
  }

  private EncodeCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, VALUED, Set.of("--normalize"));
    List<String> modes = new ArrayList<>(List.of("none"));
    for (Pooling p : Pooling.values()) {
      modes.add(p.id());
    }
    String poolingFlag = flags.choice("--pooling", "auto", modes.toArray(new String[0]));
    boolean hiddenStates = poolingFlag.equals("none"); // one vector per token, no pooling
    for (String embedOnly :
        List.of("--normalize", "--prompt", "--prompt-name", "--truncate-dim", "--long-text")) {
      if (hiddenStates && flags.has(embedOnly)) {
        throw CliException.usage(NAME, embedOnly + " needs a pooled embedding, not --pooling none");
      }
    }
    Embed embed = hiddenStates ? null : embed(flags, Pooling.parse(poolingFlag));
    LongTextEmbed longText = embed == null ? null : longText(flags, embed);
    Job job = Job.from(flags, stdout);
    try (ModernBertEncoder encoder = job.load()) {
      if (embed != null) {
        job.require(encoder, embed); // a bad folder, prompt name or truncate dim: before any row
      }
      String windows = longText == null ? null : longText.problemWith(encoder);
      if (windows != null) {
        throw CliException.usage(NAME, windows); // windows that do not fit, late on several modes
      }
      int hidden = encoder.config().hiddenSize();
      int width = embed == null ? hidden : embed.pipeline(encoder).outputDim(hidden);
      if (hiddenStates) {
        RowJob.run(
            job,
            encoder,
            LinePlanner.of(encoder, new HiddenStates()),
            ids -> (long) ids.length * hidden,
            (jw, line, rows) -> {
              jw.name("last_hidden_state").beginArray();
              for (float[] row : rows) {
                RowOutput.floats(jw, row);
              }
              jw.endArray();
            },
            err);
      } else if (longText != null) {
        RowJob.run(
            job,
            encoder,
            LinePlanner.textOnly(
                encoder,
                longText,
                "--long-text " + longText.mode().id() + " cuts text, so every line needs \"text\""),
            ids -> (long) ids.length * width, // bounds a block's windows, not just its vectors
            (jw, line, chunks) -> writeChunks(jw, longText, chunks),
            err);
      } else {
        RowJob.run(
            job,
            encoder,
            LinePlanner.of(encoder, embed),
            ids -> width,
            (jw, line, vector) -> RowOutput.floats(jw.name("embedding"), vector),
            err);
      }
    }
    return Main.EXIT_OK;
  }

  /**
   * The embedding task of the flags (also {@code tokenize}'s): a bad combination, such as {@code
   * --prompt} with {@code --prompt-name}, is a usage error before anything is loaded.
   */
  static Embed embed(Flags flags, Pooling pooling) {
    int truncateDim = flags.has("--truncate-dim") ? flags.intAtLeast("--truncate-dim", 0, 0) : 0;
    try {
      return new Embed(
          pooling,
          flags.has("--normalize"),
          flags.has("--prompt") ? flags.get("--prompt", "") : null,
          flags.get("--prompt-name", null),
          truncateDim);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(flags.command(), e.getMessage());
    }
  }

  /** The long-text task the flags ask for, or null for truncate (the default). */
  private static LongTextEmbed longText(Flags flags, Embed embed) {
    String mode = flags.choice("--long-text", "truncate", "truncate", "chunk", "late");
    if (mode.equals("truncate")) {
      for (String f :
          List.of("--window-tokens", "--window-overlap", "--chunk-tokens", "--aggregate")) {
        if (flags.has(f)) {
          throw CliException.usage(NAME, f + " needs --long-text chunk or late");
        }
      }
      return null;
    }
    try {
      return new LongTextEmbed(
          embed,
          LongTextMode.parse(mode),
          flags.intAtLeast("--window-tokens", 0, 0),
          flags.intAtLeast("--window-overlap", 0, 0),
          flags.intAtLeast("--chunk-tokens", LongTextEmbed.DEFAULT_CHUNK_TOKENS, 1),
          Aggregate.parse(flags.choice("--aggregate", "none", "none", "mean", "max")));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(NAME, e.getMessage());
    }
  }

  /** A text's chunks, or (aggregate mean/max) its one embedding. */
  private static void writeChunks(JsonWriter jw, LongTextEmbed task, List<ChunkEmbedding> chunks)
      throws IOException {
    if (task.aggregate() == Aggregate.NONE) {
      jw.name("chunks").beginArray();
      for (ChunkEmbedding c : chunks) {
        jw.beginObject();
        jw.name("chunk_index").value(c.chunkIndex());
        jw.name("char_start").value(c.charStart());
        jw.name("char_end").value(c.charEnd());
        jw.name("embedding");
        RowOutput.floats(jw, c.embedding());
        jw.endObject();
      }
      jw.endArray();
    } else {
      jw.name("embedding");
      RowOutput.floats(jw, chunks.get(0).embedding());
    }
  }
}
