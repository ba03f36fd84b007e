package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.options.EmbedOptions;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;

/**
 * {@code modernbert tokenize}: the token ids, token strings and character offsets the model gets
 * for each line, to debug prompts, truncation and entity offsets. Rows are tokenized exactly as
 * {@code encode} tokenizes them: {@link RowJob} and {@link JsonlInput} do it for both commands, so
 * an option that changes how {@code encode} turns text into ids (truncation, a prompt) changes this
 * output the same way.
 */
final class TokenizeCommand {
  static final String NAME = "tokenize";

  /** The prompt flags as encode's: tokenize tokenizes as encode does. */
  static final List<Option<?>> OPTIONS =
      CliOptions.rowCommand(EmbedOptions.PROMPT, EmbedOptions.PROMPT_NAME);

  static final String USAGE =
      """
      Usage: modernbert tokenize --model DIR|ID --input IN.jsonl --output OUT.jsonl [options]

      Tokenizes every line of IN.jsonl ({"id": ..., "text": "..."}) with the model's
      tokenizer.json, special tokens and truncation as encode applies them. OUT.jsonl gets one
      line per input line, in order:
        {"id": ..., "input_ids": [...], "tokens": [...], "offsets": [[start, end], ...]}
      plus "truncated": true on rows cut to the maximum length. offsets are Java String
      (UTF-16) indices into the text, so text.substring(start, end) is the token's text;
      special tokens the tokenizer adds (e.g. [CLS], [SEP]) have [0, 0]. Lines with input_ids
      get their ids and tokens back, without offsets. With a prompt, offsets index the string
      prompt + text. Without --prompt or --prompt-name, a sentence-transformers folder's
      default_prompt_name applies as in encode; other folders get no prompt.

      """
          + CliHelp.section(OPTIONS)
          + Job.MODEL_NOTE;

  private TokenizeCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    // encode's embedding task tokenizes: the same prompt, lower-casing and truncation
    Embed embed = EncodeCommand.embed(flags, Pooling.AUTO);
    Job job = Job.from(flags, stdout);
    try (ModernBertEncoder encoder = job.load()) {
      if (encoder.hasTokenizer()) {
        job.require(encoder, embed); // an unknown prompt name: before any row
      }
      String prompt = encoder.hasTokenizer() ? embed.effectivePrompt(encoder) : "";
      RowJob.run(
          job,
          encoder,
          planner(encoder, embed),
          ids -> 3L * ids.length, // id, token and offset pair per token
          (jw, line, tokens) -> write(jw, encoder, line, tokens, prompt),
          err);
    }
    return Main.EXIT_OK;
  }

  /**
   * Every line planned with no sequence (nothing runs through the model): its value is its
   * tokenization, the embedding task's for text lines (prompt, lower-casing, truncation included).
   */
  private static LinePlanner<TokenizedText> planner(ModernBertEncoder encoder, Embed embed) {
    return new LinePlanner<>(
        text -> tokensOnly(embed, embed.tokenize(encoder, text)),
        ids -> tokensOnly(embed, withoutText(ids)),
        null);
  }

  private static JsonlInput.Planned<TokenizedText> tokensOnly(Embed embed, TokenizedText t) {
    return new JsonlInput.Planned<>(t.ids(), TextPlan.noSequences(embed, t.truncated(), t));
  }

  private static void write(
      JsonWriter jw,
      ModernBertEncoder encoder,
      JsonlInput.Prepared<TokenizedText> line,
      TokenizedText tokens,
      String prompt)
      throws IOException {
    jw.name("input_ids").beginArray();
    for (int id : tokens.ids()) {
      jw.value(id);
    }
    jw.endArray();
    if (!encoder.hasTokenizer()) {
      return; // input_ids rows of a model without tokenizer.json: no strings to show
    }
    RowOutput.strings(
        jw.name("tokens"),
        encoder
            .tokenizer()
            .tokenStrings(
                tokens, line.text() == null ? "" : Embed.prepared(encoder, prompt + line.text())));
    if (line.text() != null) {
      jw.name("offsets").beginArray();
      for (int i = 0; i < tokens.length(); i++) {
        int[] span = tokens.offset(i);
        jw.beginArray().value(span[0]).value(span[1]).endArray();
      }
      jw.endArray();
    }
  }

  /** Ids given as input_ids: no text, so no offsets. */
  private static TokenizedText withoutText(int[] ids) {
    int[] none = new int[ids.length];
    Arrays.fill(none, -1);
    return new TokenizedText(ids, none, none, false, none);
  }
}
