package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.colbert.ColbertOverrides;
import dev.modernbert.encoder.colbert.ColbertRole;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.encoder.task.ColbertEmbed;
import dev.modernbert.encoder.task.Output;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code modernbert colbert}: a PyLate ColBERT folder's token vectors for every line, as queries or
 * as documents ({@link ColbertEmbed}).
 */
final class ColbertCommand {
  static final String NAME = Output.COLBERT.command();

  static final List<Option<?>> OPTIONS =
      CliOptions.rowCommand(
          TaskOptions.ROLE,
          TaskOptions.QUERY_LENGTH,
          TaskOptions.DOCUMENT_LENGTH,
          TaskOptions.DO_QUERY_EXPANSION,
          TaskOptions.ATTEND_TO_EXPANSION_TOKENS);

  static final String USAGE =
      """
      Usage: modernbert colbert --model DIR|ID --input IN.jsonl --output OUT.jsonl
                                --role query|document [options]

      ColBERT multi-vector embeddings with a PyLate checkpoint folder (modules.json with
      pylate.models.Dense.Dense, e.g. lightonai/GTE-ModernColBERT-v1), as PyLate encodes them.
      IN.jsonl lines are {"id": ..., "text": "..."}, or {"id": ..., "input_ids": [...]} with the
      ids as the encoder sees them (prefix token and expansion included). OUT.jsonl gets one line
      per input line, in order:
        {"id": ..., "embeddings": [[...], ...]}
      one L2-normalised vector per token, in token order: every token of a query (with query
      expansion: exactly query_length rows); the tokens of a document that are not in the
      skiplist. Query expansion tokens that do not attend get the rows PyLate gives them under
      FlashAttention (zero vectors for a Dense without bias). Rows whose text was cut to the
      role's length get "truncated": true.

      """
          + CliHelp.section(OPTIONS)
          + Job.MODEL_NOTE;

  private ColbertCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    ColbertEmbed task = new ColbertEmbed(role(flags), overrides(flags));
    Job job = Job.from(flags, stdout);
    try (ModernBertEncoder encoder = job.load()) {
      job.require(encoder, task);
      long rowsPerText = task.inputs(encoder).length();
      long dim = encoder.colbert().dimension();
      RowJob.run(
          job,
          encoder,
          LinePlanner.of(encoder, task),
          ids -> Math.max(ids.length, rowsPerText) * dim,
          (jw, line, rows) -> write(jw, rows),
          err);
    }
    return Main.EXIT_OK;
  }

  private static ColbertRole role(Flags flags) {
    return ColbertRole.parse(flags.value(TaskOptions.ROLE)); // given (required) and checked
  }

  private static ColbertOverrides overrides(Flags flags) {
    try {
      return new ColbertOverrides(
          flags.value(TaskOptions.QUERY_LENGTH),
          flags.value(TaskOptions.DOCUMENT_LENGTH),
          flags.value(TaskOptions.DO_QUERY_EXPANSION),
          flags.value(TaskOptions.ATTEND_TO_EXPANSION_TOKENS));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(NAME, e.getMessage());
    }
  }

  private static void write(JsonWriter jw, float[][] rows) throws IOException {
    jw.name("embeddings").beginArray();
    for (float[] v : rows) {
      RowOutput.floats(jw, v);
    }
    jw.endArray();
  }
}
