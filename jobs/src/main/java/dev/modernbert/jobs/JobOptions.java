package dev.modernbert.jobs;

import dev.modernbert.encoder.flags.FlagException;
import dev.modernbert.encoder.flags.FlagParser;
import dev.modernbert.spark.ml.ModernBertClassifier;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.ml.ModernBertFillMask;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The job's options: {@code --name value} flags, optionally read from a properties file ({@code
 * --conf-file FILE}, keys = flag names without {@code --}); flags on the command line win over the
 * file, and a later flag wins over an earlier one.
 */
public final class JobOptions {

  /** One option: its flag name (without --), default (null = none) and help. */
  public record Spec(String name, String defaultValue, boolean bool, String help) {}

  /** The stages whose Params the options set: their defaults are the options' defaults. */
  private static final ModernBertEmbedder EMBEDDER = new ModernBertEmbedder();

  private static final ModernBertClassifier CLASSIFIER = new ModernBertClassifier();

  private static final ModernBertFillMask FILL_MASK = new ModernBertFillMask();

  /**
   * Every option, in the order of conf/embed-job.properties and the docs. Options that are stage
   * Params take their defaults from the stage.
   */
  public static final List<Spec> SPECS =
      List.of(
          new Spec(
              "task",
              "embed",
              false,
              "what to compute: embed | classify | token-classify | fill-mask | colbert"),
          new Spec("input", null, false, "input path or glob (local path or Hadoop URI)"),
          new Spec(
              "input-format",
              "auto",
              false,
              "auto | parquet | json | jsonl | csv | text; auto = from the file extension"),
          new Spec(
              "bad-input",
              "fail",
              false,
              "json input: fail (a bad line stops the job before any compute) | skip (drop and"
                  + " count bad lines)"),
          new Spec("text-col", "text", false, "input column holding the text (string)"),
          new Spec("id-col", "id", false, "input column copied to the output as the row id"),
          new Spec("keep-cols", "", false, "more input columns to copy to the output, a,b,c"),
          new Spec("output", null, false, "output folder (local path or Hadoop URI)"),
          new Spec("output-format", "parquet", false, "parquet | json"),
          new Spec("mode", "error", false, "error | overwrite | append (when the output exists)"),
          new Spec("partitions", "0", false, "repartition the input to N partitions; 0 = as read"),
          new Spec(
              "checkpoint",
              "",
              false,
              "checkpoint folder: run as a resumable, incremental streaming query (new files only)"),
          new Spec(
              "max-files-per-trigger",
              "0",
              false,
              "with --checkpoint: most input files per micro-batch; 0 = all in one"),
          new Spec(
              "model",
              null,
              false,
              "checkpoint folder (local or Hadoop URI), Hugging Face Hub id (org/name[@revision]), or demo"),
          new Spec(
              "output-col",
              "",
              false,
              "main output column; default per task: embedding, label, entities, predictions,"
                  + " embeddings"),
          new Spec(
              "pooling",
              EMBEDDER.getPooling(),
              false,
              "embed: auto | cls | mean | max | mean_sqrt_len | weightedmean | lasttoken"),
          new Spec(
              "normalize",
              String.valueOf(EMBEDDER.getNormalize()),
              true,
              "embed: L2-normalise each vector (after truncate-dim)"),
          new Spec(
              "prompt",
              null,
              false,
              "embed: text put before every text; given empty: no prompt, not even the default"),
          new Spec(
              "prompt-name",
              EMBEDDER.getPromptName(),
              false,
              "embed: a prompt of the model's config_sentence_transformers.json, e.g. query;"
                  + " empty: its default_prompt_name"),
          new Spec(
              "truncate-dim",
              String.valueOf(EMBEDDER.getTruncateDim()),
              false,
              "embed: keep the first N values of each vector (Matryoshka); 0 keeps all"),
          new Spec(
              "long-text",
              EMBEDDER.getLongText(),
              false,
              "embed: truncate | chunk (one row per window) | late (late chunking)"),
          new Spec(
              "window-tokens",
              String.valueOf(EMBEDDER.getWindowTokens()),
              false,
              "embed, chunk/late: content tokens per window; 0 = all that fit"),
          new Spec(
              "window-overlap",
              String.valueOf(EMBEDDER.getWindowOverlap()),
              false,
              "embed, chunk/late: tokens a window shares with the one before"),
          new Spec(
              "chunk-tokens",
              String.valueOf(EMBEDDER.getChunkTokens()),
              false,
              "embed, late: tokens per output chunk"),
          new Spec(
              "aggregate",
              EMBEDDER.getAggregate(),
              false,
              "embed, chunk/late: none (rows per chunk: chunk_index, char_start, char_end) | mean"
                  + " | max (a row per text)"),
          new Spec(
              "probability-col",
              CLASSIFIER.getProbabilityCol(),
              false,
              "classify: column of probabilities (multi-label: sigmoids; regression: the value)"),
          new Spec("raw-prediction-col", "", false, "classify: optional column of raw logits"),
          new Spec(
              "top-k",
              String.valueOf(FILL_MASK.getTopK()),
              false,
              "fill-mask: predictions per [MASK]"),
          new Spec("role", "", false, "colbert: query | document (required)"),
          new Spec(
              "max-length",
              String.valueOf(EMBEDDER.getMaxLength()),
              false,
              "tokens per text after truncation; 0 = the folder's max_seq_length /"
                  + " model_max_length (capped), else max_position_embeddings"),
          new Spec(
              "batch-tokens",
              String.valueOf(EMBEDDER.getBatchTokens()),
              false,
              "padded-token budget per batch"),
          new Spec(
              "max-batch-rows",
              String.valueOf(EMBEDDER.getMaxBatchRows()),
              false,
              "most rows per batch"),
          new Spec(
              "sort-window-rows",
              String.valueOf(EMBEDDER.getSortWindowRows()),
              false,
              "rows a task length-sorts together"),
          new Spec("device", EMBEDDER.getDevice(), false, "auto | cpu | cuda | cuda:N"),
          new Spec(
              "dtype",
              EMBEDDER.getDtype(),
              false,
              "auto | float32 | float16 | bfloat16 (CPU bf16 products)"),
          new Spec(
              "gemm",
              EMBEDDER.getGemm(),
              false,
              "auto | default | onednn: CPU matrix-product route (auto: measured at load)"),
          new Spec(
              "output-type",
              EMBEDDER.getOutputType(),
              false,
              "embed, classify: array (array<float>) | vector (ML vector)"),
          new Spec(
              "precision",
              EMBEDDER.getPrecision(),
              false,
              "embed: float32 | float16 | binary | ubinary (the last three: packed bytes)"),
          new Spec("on-error", EMBEDDER.getOnError(), false, "fail | null"),
          new Spec("error-col", "", false, "optional column with the reason a row failed"),
          new Spec(
              "num-threads",
              String.valueOf(EMBEDDER.getNumThreads()),
              false,
              "libtorch threads per executor; 0 = its cores"),
          new Spec("master", "", false, "Spark master when not set by spark-submit"),
          new Spec("app-name", "", false, "Spark application name; default modernbert-<task>"),
          new Spec("progress-interval", "30", false, "seconds between progress lines; 0 = none"),
          new Spec("conf-file", "", false, "properties file with these options"));

  private static final Map<String, Spec> BY_NAME = new LinkedHashMap<>();

  static {
    for (Spec s : SPECS) {
      BY_NAME.put(s.name(), s);
    }
  }

  private final Map<String, String> values;

  private JobOptions(Map<String, String> values) {
    this.values = values;
  }

  /** Parses command-line flags, then merges the conf file (if any) under them. */
  public static JobOptions parse(String[] args) {
    Map<String, String> cli = parseFlags(args);
    Map<String, String> merged = new LinkedHashMap<>();
    String confFile = cli.get("conf-file");
    if (confFile != null && !confFile.isBlank()) {
      merged.putAll(readConfFile(Path.of(confFile)));
    }
    merged.putAll(cli);
    return new JobOptions(merged);
  }

  /**
   * The command line, read by the encoder's shared {@link FlagParser} from {@link #SPECS}: {@code
   * --name value} or {@code --name=value}; a boolean option alone means true and may be followed by
   * true or false; a later flag wins. Keys are the names without {@code --}.
   */
  static Map<String, String> parseFlags(String[] args) {
    Map<String, String> parsed;
    try {
      parsed = FLAG_PARSER.parse(args);
    } catch (FlagException e) {
      throw JobException.usage(usage(e));
    }
    Map<String, String> out = new LinkedHashMap<>();
    parsed.forEach((name, value) -> out.put(name.substring(2), value));
    return out;
  }

  private static final FlagParser FLAG_PARSER = flagParser();

  /**
   * True when {@code -h} or {@code --help} stands where a flag stands ({@link
   * FlagParser#wantsHelp}): a flag's value such as {@code --prompt -h} is never a help request.
   */
  static boolean wantsHelp(String[] args) {
    return FLAG_PARSER.wantsHelp(args);
  }

  private static FlagParser flagParser() {
    FlagParser.Builder b = FlagParser.builder().repeats(FlagParser.Repeats.LAST_WINS);
    for (Spec s : SPECS) {
      if (s.bool()) {
        b.bool("--" + s.name(), s.help());
      } else {
        b.value("--" + s.name(), s.help());
      }
    }
    return b.build();
  }

  /** The job's wording of a command-line problem. */
  private static String usage(FlagException e) {
    return switch (e.problem()) {
      case UNEXPECTED_ARGUMENT ->
          "unexpected argument \"" + e.argument() + "\" (options are --name value)";
      case UNKNOWN_FLAG -> "unknown option " + e.argument() + "; known options: " + names();
      case NEEDS_VALUE -> "option " + e.argument() + " needs a value (" + e.flag().help() + ")";
      case TAKES_NO_VALUE, GIVEN_TWICE -> "option " + e.getMessage(); // no switch, later wins
    };
  }

  static Map<String, String> readConfFile(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (IOException e) {
      throw JobException.usage("cannot read --conf-file " + file + ": " + e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String key : new java.util.TreeSet<>(p.stringPropertyNames())) {
      String k = key.startsWith("--") ? key.substring(2) : key;
      if (!BY_NAME.containsKey(k)) {
        throw JobException.usage(
            "unknown key \"" + key + "\" in --conf-file " + file + "; known keys: " + names());
      }
      if (k.equals("conf-file")) {
        throw JobException.usage("--conf-file " + file + " cannot name another conf-file");
      }
      out.put(k, p.getProperty(key).trim());
    }
    return out;
  }

  private static Spec spec(String name) {
    Spec s = BY_NAME.get(name);
    if (s == null) {
      throw JobException.usage("unknown option --" + name + "; known options: " + names());
    }
    return s;
  }

  static String names() {
    List<String> n = new ArrayList<>();
    for (String k : BY_NAME.keySet()) {
      n.add("--" + k);
    }
    return String.join(" ", n);
  }

  /** The value given (flag or conf file), else the default; null when neither. */
  public String get(String name) {
    Spec s = spec(name);
    String v = values.get(name);
    return v != null ? v : s.defaultValue();
  }

  /** True when the option was given (flag or conf file). */
  public boolean isSet(String name) {
    spec(name);
    return values.containsKey(name);
  }

  public String require(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) {
      throw JobException.usage("option --" + name + " is required (" + spec(name).help() + ")");
    }
    return v;
  }

  public int getInt(String name) {
    String v = get(name);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw JobException.usage("option --" + name + " must be an integer, got \"" + v + "\"");
    }
  }

  public boolean getBool(String name) {
    String v = get(name).trim();
    if (v.equalsIgnoreCase("true")) {
      return true;
    }
    if (v.equalsIgnoreCase("false")) {
      return false;
    }
    throw JobException.usage("option --" + name + " must be true or false, got \"" + v + "\"");
  }

  /** A comma-separated list option, empty entries dropped. */
  public List<String> getList(String name) {
    String v = get(name);
    if (v == null || v.isBlank()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String p : v.split(",")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    return Collections.unmodifiableList(out);
  }

  /** Value of an option restricted to a set of choices. */
  public String choice(String name, List<String> choices) {
    String v = get(name).trim().toLowerCase(java.util.Locale.ROOT);
    if (!choices.contains(v)) {
      throw JobException.usage(
          "option --"
              + name
              + " must be one of "
              + String.join(" | ", choices)
              + ", got \""
              + v
              + "\"");
    }
    return v;
  }

  /** The options given (flag or conf file), for the summary. */
  public Map<String, String> given() {
    return Collections.unmodifiableMap(values);
  }
}
