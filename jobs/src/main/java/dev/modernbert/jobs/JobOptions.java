package dev.modernbert.jobs;

import dev.modernbert.encoder.flags.FlagException;
import dev.modernbert.encoder.flags.FlagParser;
import dev.modernbert.encoder.options.ColumnOptions;
import dev.modernbert.encoder.options.EmbedOptions;
import dev.modernbert.encoder.options.LongTextOptions;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.RunOptions;
import dev.modernbert.encoder.options.TaskOptions;
import dev.modernbert.spark.ml.ModernBertStage;
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

  /** One option as the job shows it: its flag name (without --), default (null = none) and help. */
  public record Spec(String name, String defaultValue, boolean bool, String help) {}

  /**
   * Every option, in the order of --help, conf/embed-job.properties and the docs: the job's own
   * ({@link JobFlags}) and the stage options it passes on ({@link #applyTo}). A stage option's flag
   * is its declaration's (the kebab-case Param name, --model and --text-col by history).
   */
  static final List<Option<?>> OPTIONS =
      Option.concat(
          List.of(
              JobFlags.TASK,
              JobFlags.INPUT,
              JobFlags.INPUT_FORMAT,
              JobFlags.BAD_INPUT,
              ColumnOptions.INPUT_COL,
              JobFlags.ID_COL,
              JobFlags.KEEP_COLS,
              JobFlags.OUTPUT,
              JobFlags.OUTPUT_FORMAT,
              JobFlags.MODE,
              JobFlags.PARTITIONS,
              JobFlags.CHECKPOINT,
              JobFlags.MAX_FILES_PER_TRIGGER,
              RunOptions.MODEL_PATH,
              ColumnOptions.OUTPUT_COL,
              EmbedOptions.POOLING,
              EmbedOptions.NORMALIZE,
              EmbedOptions.PROMPT,
              EmbedOptions.PROMPT_NAME,
              EmbedOptions.TRUNCATE_DIM),
          LongTextOptions.ALL,
          List.of(
              ColumnOptions.PROBABILITY_COL,
              ColumnOptions.RAW_PREDICTION_COL,
              TaskOptions.TOP_K,
              TaskOptions.ROLE,
              TaskOptions.QUERY_LENGTH,
              TaskOptions.DOCUMENT_LENGTH,
              TaskOptions.DO_QUERY_EXPANSION,
              TaskOptions.ATTEND_TO_EXPANSION_TOKENS,
              RunOptions.MAX_LENGTH,
              RunOptions.BATCH_TOKENS,
              RunOptions.MAX_BATCH_ROWS,
              RunOptions.SORT_WINDOW_ROWS,
              RunOptions.DEVICE,
              RunOptions.DTYPE,
              RunOptions.GEMM,
              ColumnOptions.OUTPUT_TYPE,
              EmbedOptions.PRECISION,
              ColumnOptions.ON_ERROR,
              ColumnOptions.ERROR_COL,
              RunOptions.NUM_THREADS,
              JobFlags.MASTER,
              JobFlags.APP_NAME,
              JobFlags.PROGRESS_INTERVAL,
              JobFlags.CONF_FILE));

  /** {@link #OPTIONS} as the job shows them (--help, the conf template). */
  public static final List<Spec> SPECS = OPTIONS.stream().map(JobOptions::spec).toList();

  private static Spec spec(Option<?> o) {
    Object d = o.defaultValue();
    // A text option without a default reads as "" (the checkpoint manifest records it so).
    String shown = d != null ? String.valueOf(d) : o.type() == Option.Type.STRING ? "" : null;
    return new Spec(o.key(), shown, o.type() == Option.Type.BOOLEAN, JobScopes.help(o));
  }

  private static final Map<String, Spec> BY_NAME = new LinkedHashMap<>();

  private static final Map<String, Option<?>> OPTION_BY_NAME = new LinkedHashMap<>();

  static {
    for (Spec s : SPECS) {
      BY_NAME.put(s.name(), s);
    }
    for (Option<?> o : OPTIONS) {
      OPTION_BY_NAME.put(o.key(), o);
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
    return (Integer) parsed(name, Option.Type.INT);
  }

  public boolean getBool(String name) {
    return (Boolean) parsed(name, Option.Type.BOOLEAN);
  }

  /** The value of an option, read and checked by its declaration; a problem is a usage error. */
  private Object parsed(String name, Option.Type type) {
    Option<?> o = OPTION_BY_NAME.get(name);
    if (o == null || o.type() != type) {
      throw new IllegalArgumentException("--" + name + " is not a " + type + " option");
    }
    try {
      return o.parse(o.flag(), get(name));
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage());
    }
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

  /** Value of an option restricted to a set of choices (read case-insensitively). */
  public String choice(String name, List<String> choices) {
    try {
      return Option.choice(name, "", null, choices).parse("--" + name, get(name));
    } catch (IllegalArgumentException e) {
      throw JobException.usage(e.getMessage());
    }
  }

  /**
   * Sets on {@code stage} every Param whose flag was given (on the command line or in the conf
   * file), read and checked by the Param's declaration; the other Params keep the stage's defaults,
   * which are the declarations' defaults. A blank value leaves the Param at its default ({@code
   * error-col=}: none; {@code output-col=}: the task's column), unless blank is one of its values
   * (an empty prompt: no prompt).
   *
   * @throws JobException a usage error naming the flag and the bad value, or naming the stage's
   *     first {@linkplain Option#required required} option that was not given
   */
  public <T extends ModernBertStage<?>> T applyTo(T stage) {
    return applyTo(stage, stage.getClass().getSimpleName());
  }

  /**
   * {@link #applyTo(ModernBertStage)}, where {@code who} names the stage in the message of a
   * missing required option: {@code --task colbert needs --role query or --role document}.
   */
  public <T extends ModernBertStage<?>> T applyTo(T stage, String who) {
    for (Option<?> o : stage.options()) {
      if (o.isRequired() && !given(o)) {
        throw JobException.usage(who + " needs " + o.requirement());
      }
    }
    for (Option<?> o : stage.options()) {
      if (!given(o)) { // not given or blank: the stage's default
        continue;
      }
      String v = values.get(o.key());
      try {
        stage.setFromText(o.name(), v, o.flag());
      } catch (IllegalArgumentException e) {
        throw JobException.usage("bad option value: " + e.getMessage());
      }
    }
    return stage;
  }

  /** True when {@code o} was given a value: not blank, unless blank is one of its values. */
  private boolean given(Option<?> o) {
    String v = values.get(o.key());
    return v != null && (!v.isBlank() || acceptsBlank(o));
  }

  private static boolean acceptsBlank(Option<?> o) {
    try {
      o.parse(o.flag(), "");
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** The options given (flag or conf file), for the summary. */
  public Map<String, String> given() {
    return Collections.unmodifiableMap(values);
  }
}
