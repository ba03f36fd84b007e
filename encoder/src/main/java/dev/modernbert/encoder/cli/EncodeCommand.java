package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.longtext.Aggregate;
import dev.modernbert.encoder.longtext.ChunkEmbedding;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.longtext.LongTextMode;
import dev.modernbert.encoder.options.EmbedOptions;
import dev.modernbert.encoder.options.LongTextOptions;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.HiddenStates;
import dev.modernbert.encoder.task.Output;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code modernbert encode}: one output line per input line, in input order, with {@code id}, an
 * optional {@code "truncated": true}, and either {@code embedding} (pooled) or {@code
 * last_hidden_state} ({@code --pooling none}).
 */
final class EncodeCommand {
  static final String NAME = Output.EMBED.command();

  /** The flags encode takes, in the order of its help (also tokenize's embedding flags). */
  static final List<Option<?>> OPTIONS =
      CliOptions.rowCommand(
          Option.concat(
              List.of(
                  CliOptions.POOLING,
                  EmbedOptions.NORMALIZE,
                  EmbedOptions.PROMPT,
                  EmbedOptions.PROMPT_NAME,
                  EmbedOptions.TRUNCATE_DIM),
              LongTextOptions.ALL));

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

      """
          + CliHelp.section(OPTIONS)
          + Job.MODEL_NOTE;

  private EncodeCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    String poolingFlag = flags.value(CliOptions.POOLING);
    boolean hiddenStates = poolingFlag.equals("none"); // one vector per token, no pooling
    for (Option<?> embedOnly :
        List.of(
            EmbedOptions.NORMALIZE,
            EmbedOptions.PROMPT,
            EmbedOptions.PROMPT_NAME,
            EmbedOptions.TRUNCATE_DIM,
            LongTextOptions.LONG_TEXT)) {
      if (hiddenStates && flags.has(embedOnly)) {
        throw CliException.usage(
            NAME, embedOnly.flag() + " needs a pooled embedding, not --pooling none");
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
    try {
      return new Embed(
          pooling,
          flags.value(EmbedOptions.NORMALIZE),
          flags.value(EmbedOptions.PROMPT),
          flags.get(EmbedOptions.PROMPT_NAME.flag(), null),
          flags.value(EmbedOptions.TRUNCATE_DIM));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(flags.command(), e.getMessage());
    }
  }

  /** The long-text task the flags ask for, or null for truncate (the default). */
  private static LongTextEmbed longText(Flags flags, Embed embed) {
    LongTextMode mode = LongTextMode.parse(flags.value(LongTextOptions.LONG_TEXT));
    if (mode == LongTextMode.TRUNCATE) {
      for (Option<?> o : LongTextOptions.ALL) {
        if (o != LongTextOptions.LONG_TEXT && flags.has(o)) {
          throw CliException.usage(NAME, o.flag() + " needs --long-text chunk or late");
        }
      }
      return null;
    }
    try {
      return new LongTextEmbed(
          embed,
          mode,
          flags.value(LongTextOptions.WINDOW_TOKENS),
          flags.value(LongTextOptions.WINDOW_OVERLAP),
          flags.value(LongTextOptions.CHUNK_TOKENS),
          Aggregate.parse(flags.value(LongTextOptions.AGGREGATE)));
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
        int[] position = c.position();
        for (int k = 0; k < position.length; k++) {
          jw.name(ChunkEmbedding.POSITION_NAMES.get(k)).value(position[k]);
        }
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
