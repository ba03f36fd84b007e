package dev.modernbert.encoder.cli;

import com.google.gson.stream.JsonWriter;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.colbert.ColbertOverrides;
import dev.modernbert.encoder.colbert.ColbertRole;
import dev.modernbert.encoder.task.ColbertEmbed;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code modernbert colbert}: a PyLate ColBERT folder's token vectors for every line, as queries or
 * as documents ({@link ColbertEmbed}).
 */
final class ColbertCommand {
  static final String NAME = "colbert";

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

      Options:
        --model DIR|ID       a PyLate ColBERT checkpoint (see --model below)
        --input FILE         JSON Lines input
        --output FILE        JSON Lines output (written atomically: complete or absent); - for
                             standard output; a FIFO or device is written in place
        --role R             query or document
        --query-length N     query ids, prefix and special tokens included (default: the
                             folder's query_length, else 32)
        --document-length N  most document ids (default: the folder's document_length, else 180)
        --do-query-expansion true|false
                             pad queries to query_length with [MASK] (default: the folder's,
                             else true)
        --attend-to-expansion-tokens true|false
                             let the expansion tokens take part in attention (default: the
                             folder's, else false)
      """
          + Job.RUN_OPTIONS_HELP;

  private static final Set<String> VALUED = new HashSet<>(Job.FLAGS);

  static {
    VALUED.addAll(
        List.of(
            "--role",
            "--query-length",
            "--document-length",
            "--do-query-expansion",
            "--attend-to-expansion-tokens"));
  }

  private ColbertCommand() {}

  static int run(String[] args, PrintStream stdout, PrintStream err) throws IOException {
    Flags flags = Flags.parse(NAME, args, VALUED, Set.of());
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
    try {
      return ColbertRole.parse(flags.required("--role"));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(NAME, "--role: " + e.getMessage());
    }
  }

  private static ColbertOverrides overrides(Flags flags) {
    try {
      return new ColbertOverrides(
          length(flags, "--query-length"),
          length(flags, "--document-length"),
          bool(flags, "--do-query-expansion"),
          bool(flags, "--attend-to-expansion-tokens"));
    } catch (IllegalArgumentException e) {
      throw CliException.usage(NAME, e.getMessage());
    }
  }

  private static Integer length(Flags flags, String name) {
    return flags.has(name) ? flags.intAtLeast(name, 0, 3) : null;
  }

  private static Boolean bool(Flags flags, String name) {
    return flags.has(name) ? Boolean.valueOf(flags.choice(name, null, "true", "false")) : null;
  }

  private static void write(JsonWriter jw, float[][] rows) throws IOException {
    jw.name("embeddings").beginArray();
    for (float[] v : rows) {
      RowOutput.floats(jw, v);
    }
    jw.endArray();
  }
}
