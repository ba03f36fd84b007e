package dev.modernbert.jobs;

import dev.modernbert.encoder.cli.CliReference;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.spark.ml.ModernBertStage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes the files generated from the option declarations: {@code docs/options.md} (every option:
 * its Spark Param, job flag, CLI flags, default, values and doc) and {@code
 * conf/embed-job.properties} (the job's keys with their defaults). {@code OptionReferenceTest}
 * fails when a committed copy is stale; {@code main} (or that test with {@code
 * -Dreference.update=true}) rewrites them.
 */
public final class OptionReference {
  private OptionReference() {}

  /** Paths relative to the repository root. */
  static final Path DOCS = Path.of("docs", "options.md");

  static final Path CONF = Path.of("conf", "embed-job.properties");

  /** Writes both files under {@code args[0]} (default: the working directory). */
  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : ".");
    Files.writeString(root.resolve(DOCS), markdown(), StandardCharsets.UTF_8);
    Files.writeString(root.resolve(CONF), confTemplate(), StandardCharsets.UTF_8);
  }

  /** The job's options that must be given (flag or conf file). */
  static final List<String> REQUIRED = List.of("input", "output", "model");

  /** Conf-file notes beyond an option's doc: examples and the file's own trimming. */
  private static final Map<String, List<String>> CONF_NOTES =
      Map.of(
          "model",
          List.of(
              "e.g. a sentence-transformers model by Hub id, with its document prompt:",
              "  model=nomic-ai/modernbert-embed-base",
              "  prompt-name=document"),
          "prompt",
          List.of(
              "(trailing spaces are trimmed here: prefer prompt-name, or --prompt on the command"
                  + " line)"));

  /** conf/embed-job.properties: every job option but conf-file, commented out at its default. */
  static String confTemplate() {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "# EmbedJob options (dev.modernbert.jobs.EmbedJob), read with --conf-file"
            + " conf/embed-job.properties.\n"
            + "# Keys are the command-line flag names without '--'; a flag given on the command"
            + " line wins over\n"
            + "# the same key here. Every option is listed with its default, commented out:"
            + " uncomment to change.\n"
            + "# Required: "
            + String.join(", ", REQUIRED)
            + " (as flags or here).\n"
            + "# Generated from the option declarations by dev.modernbert.jobs.OptionReference;"
            + " see docs/options.md.\n");
    for (JobOptions.Spec s : JobOptions.SPECS) {
      if (s.name().equals("conf-file")) {
        continue;
      }
      sb.append("\n# ").append(s.help());
      sb.append(REQUIRED.contains(s.name()) ? " (required)\n" : "\n");
      for (String note : CONF_NOTES.getOrDefault(s.name(), List.of())) {
        sb.append("# ").append(note).append('\n');
      }
      sb.append('#')
          .append(s.name())
          .append('=')
          .append(Objects.requireNonNullElse(s.defaultValue(), ""))
          .append('\n');
    }
    return sb.toString();
  }

  /** docs/options.md. */
  static String markdown() {
    Map<String, List<String>> stagesByParam = stagesByParam();
    Map<String, List<String>> cliByName = cliFlagsByName();
    StringBuilder sb = new StringBuilder();
    sb.append("# Option reference\n\n")
        .append(
            "Generated from the option declarations (`encoder/src/main/java/dev/modernbert/"
                + "encoder/options/`,\n`JobFlags` and `CliOptions`) by"
                + " `dev.modernbert.jobs.OptionReference`: do not edit by hand.\n"
                + "`OptionReferenceTest` fails when this file is stale; rewrite it with\n"
                + "`mvn -o -q -pl jobs -am test -Dtest=OptionReferenceTest"
                + " -Dsurefire.failIfNoSpecifiedTests=false -Dreference.update=true`.\n\n")
        .append(
            "Each option is declared once: its Spark Param name, its flag (the kebab-case"
                + " name unless noted),\nits default, the values it takes and its doc. A bad"
                + " value gets the same message in every front end.\nSQL functions take the"
                + " Params by name as options (`ModernBertUdfs`).\n");
    List<String> listed = new ArrayList<>();
    sb.append("\n## Stage Params and job flags\n");
    for (Option<?> o : JobOptions.OPTIONS) {
      if (stagesByParam.containsKey(o.name())) {
        entry(sb, o, stagesByParam.get(o.name()), cliByName.get(o.name()));
        listed.add(o.name());
      }
    }
    sb.append("\n## Job-only flags (`EmbedJob`, also keys of `--conf-file`)\n");
    for (Option<?> o : JobOptions.OPTIONS) {
      if (!stagesByParam.containsKey(o.name())) {
        entry(sb, o, List.of(), cliByName.get(o.name()));
        listed.add(o.name());
      }
    }
    sb.append("\n## CLI-only flags (`bin/modernbert`)\n");
    Map<String, Option<?>> cliOnly = new LinkedHashMap<>();
    CliReference.optionsByCommand()
        .values()
        .forEach(list -> list.forEach(o -> cliOnly.putIfAbsent(o.name(), o)));
    for (Option<?> o : cliOnly.values()) {
      if (!listed.contains(o.name())) {
        entry(sb, o, List.of(), cliByName.get(o.name()));
      }
    }
    return sb.toString();
  }

  private static void entry(
      StringBuilder sb, Option<?> o, List<String> stages, List<String> cliFlags) {
    sb.append("\n### ").append(o.name()).append("\n\n");
    if (!stages.isEmpty()) {
      sb.append("- Spark Param `")
          .append(o.name())
          .append("` of ")
          .append(String.join(", ", stages))
          .append("; job flag `")
          .append(o.flag())
          .append("`\n");
    } else if (JobOptions.OPTIONS.contains(o)) {
      sb.append("- Job flag `").append(o.flag()).append("`\n");
    }
    if (cliFlags != null) {
      sb.append("- CLI: ").append(String.join("; ", cliFlags)).append('\n');
    }
    sb.append("- Values: ").append(o.describeValues());
    Object d = o.defaultValue();
    sb.append(
        o.isRequired()
            ? "; required"
            : d == null || String.valueOf(d).isEmpty() ? "; no default" : "; default `" + d + "`");
    sb.append("\n\n").append(stages.isEmpty() ? o.flagDoc() : o.doc()).append('\n');
  }

  /** Param name to the stages that have it. */
  private static Map<String, List<String>> stagesByParam() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (ModernBertStage<?> stage : JobScopes.stagesByTask().values()) {
      for (Option<?> o : stage.options()) {
        out.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(stage.getClass().getSimpleName());
      }
    }
    return out;
  }

  /**
   * Option name to how the CLI takes it: {@code `--flag` (commands)}, with the CLI's default where
   * it is not the job's.
   */
  private static Map<String, List<String>> cliFlagsByName() {
    Map<String, Object> jobDefaults = new HashMap<>();
    JobOptions.OPTIONS.forEach(o -> jobDefaults.put(o.name(), o.defaultValue()));
    Map<String, Map<String, List<String>>> commandsByVariant = new LinkedHashMap<>();
    CliReference.optionsByCommand()
        .forEach(
            (command, options) -> {
              for (Option<?> o : options) {
                Object d = o.defaultValue();
                boolean ownDefault = d != null && !d.equals(jobDefaults.get(o.name()));
                String variant = "`" + o.flag() + "`" + (ownDefault ? ", default `" + d + "`" : "");
                commandsByVariant
                    .computeIfAbsent(o.name(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(variant, k -> new ArrayList<>())
                    .add(command);
              }
            });
    Map<String, List<String>> out = new LinkedHashMap<>();
    commandsByVariant.forEach(
        (name, variants) -> {
          List<String> lines = new ArrayList<>();
          variants.forEach(
              (variant, commands) -> lines.add(variant + " (" + String.join(", ", commands) + ")"));
          out.put(name, lines);
        });
    return out;
  }
}
