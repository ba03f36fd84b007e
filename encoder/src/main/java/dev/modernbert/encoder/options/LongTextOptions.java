package dev.modernbert.encoder.options;

import dev.modernbert.encoder.longtext.Aggregate;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.longtext.LongTextMode;
import java.util.Arrays;
import java.util.List;

/** What happens to a text longer than the model reads at once (see {@link LongTextEmbed}). */
public final class LongTextOptions {
  private LongTextOptions() {}

  public static final Option<String> LONG_TEXT =
      Option.choice(
          "longText",
          "truncate | chunk | late: truncate keeps the first tokens that fit; chunk embeds"
              + " windows of the text (one vector per chunk); late embeds windows and mean-pools"
              + " spans of {chunkTokens} tokens of the long context (late chunking)",
          LongTextMode.TRUNCATE.id(),
          Arrays.stream(LongTextMode.values()).map(LongTextMode::id).toList());

  public static final Option<Integer> WINDOW_TOKENS =
      Option.integer(
          "windowTokens",
          "content tokens per window in chunk and late modes; 0 = the most that fit the model",
          0,
          0);

  public static final Option<Integer> WINDOW_OVERLAP =
      Option.integer(
          "windowOverlap",
          "tokens a window shares with the one before in chunk and late modes (smaller than the"
              + " window)",
          0,
          0);

  public static final Option<Integer> CHUNK_TOKENS =
      Option.integer(
          "chunkTokens",
          "tokens per output chunk in late mode",
          LongTextEmbed.DEFAULT_CHUNK_TOKENS,
          1);

  public static final Option<String> AGGREGATE =
      Option.choice(
          "aggregate",
          "the output of chunk and late modes: none (one output row per chunk, with chunk_index,"
              + " char_start, char_end), mean (token-weighted) or max (one row per text)",
          Aggregate.NONE.id(),
          Arrays.stream(Aggregate.values()).map(Aggregate::id).toList());

  /** Every option of this catalog, in reference order. */
  public static final List<Option<?>> ALL =
      List.of(LONG_TEXT, WINDOW_TOKENS, WINDOW_OVERLAP, CHUNK_TOKENS, AGGREGATE);
}
