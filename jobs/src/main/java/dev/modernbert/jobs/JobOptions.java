package dev.modernbert.jobs;

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

  /** Every option, in the order of conf/embed-job.properties and the docs. */
  public static final List<Spec> SPECS =
      List.of(
          new Spec(
              "task",
              "embed",
              false,
              "what to compute: embed | classify | token-classify | fill-mask"),
          new Spec("input", null, false, "input path or glob (local path or Hadoop URI)"),
          new Spec(
              "input-format",
              "auto",
              false,
              "auto | parquet | json | jsonl | csv | text; auto = from the file extension"),
          new Spec("text-col", "text", false, "input column holding the text (string)"),
          new Spec("id-col", "id", false, "input column copied to the output as the row id"),
          new Spec("keep-cols", "", false, "more input columns to copy to the output, a,b,c"),
          new Spec("output", null, false, "output folder (local path or Hadoop URI)"),
          new Spec("output-format", "parquet", false, "parquet | json"),
          new Spec("mode", "error", false, "error | overwrite | append (when the output exists)"),
          new Spec("partitions", "0", false, "repartition the input to N partitions; 0 = as read"),
          new Spec("model", null, false, "checkpoint folder (local or Hadoop URI), or demo"),
          new Spec(
              "output-col",
              "",
              false,
              "main output column; default per task: embedding, label, entities, predictions"),
          new Spec("pooling", "auto", false, "embed: auto | cls | mean"),
          new Spec("normalize", "false", true, "embed: L2-normalise each vector"),
          new Spec(
              "probability-col",
              "probability",
              false,
              "classify: column of probabilities (multi-label: sigmoids; regression: the value)"),
          new Spec("raw-prediction-col", "", false, "classify: optional column of raw logits"),
          new Spec("top-k", "5", false, "fill-mask: predictions per [MASK]"),
          new Spec("max-length", "0", false, "tokens per text after truncation; 0 = model max"),
          new Spec("batch-tokens", "4096", false, "padded-token budget per batch"),
          new Spec("max-batch-rows", "256", false, "most rows per batch"),
          new Spec("sort-window-rows", "1024", false, "rows a task length-sorts together"),
          new Spec("device", "auto", false, "auto | cpu | cuda | cuda:N"),
          new Spec("dtype", "auto", false, "auto | float32 | float16"),
          new Spec("output-type", "array", false, "array (array<float>) | vector (ML vector)"),
          new Spec("on-error", "fail", false, "fail | null"),
          new Spec("error-col", "", false, "optional column with the reason a row failed"),
          new Spec("num-threads", "0", false, "libtorch threads per executor; 0 = its cores"),
          new Spec("master", "", false, "Spark master when not set by spark-submit"),
          new Spec("app-name", "modernbert-embed", false, "Spark application name"),
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

  static Map<String, String> parseFlags(String[] args) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--") || a.length() == 2) {
        throw JobException.usage("unexpected argument \"" + a + "\" (options are --name value)");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      Spec spec = spec(name);
      if (value == null) {
        if (spec.bool()) {
          if (i + 1 < args.length
              && (args[i + 1].equalsIgnoreCase("true") || args[i + 1].equalsIgnoreCase("false"))) {
            value = args[++i];
          } else {
            value = "true";
          }
        } else {
          if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
            throw JobException.usage("option --" + name + " needs a value (" + spec.help() + ")");
          }
          value = args[++i];
        }
      }
      out.put(name, value);
    }
    return out;
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
