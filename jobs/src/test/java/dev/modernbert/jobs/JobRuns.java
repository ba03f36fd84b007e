package dev.modernbert.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * What the job tests share: the flags of a run ({@code --input --output --model}, then the test's
 * own), a run whose log is dropped, and the rows of the JSON part files a run wrote.
 */
final class JobRuns {
  private JobRuns() {}

  /** {@code --input IN --output OUT --model MODEL}, then {@code more}. */
  static String[] flags(Path in, Path out, String model, String... more) {
    List<String> a =
        new ArrayList<>(
            List.of("--input", in.toString(), "--output", out.toString(), "--model", model));
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }

  /** {@link #flags} of the demo model writing JSON, then {@code more}. */
  static String[] demoJson(Path in, Path out, String... more) {
    List<String> a = new ArrayList<>(List.of("--output-format", "json"));
    a.addAll(List.of(more));
    return flags(in, out, "demo", a.toArray(String[]::new));
  }

  /** A log that goes nowhere. */
  static PrintStream quiet() {
    return new PrintStream(OutputStream.nullOutputStream());
  }

  /** The job run with {@code args}, its log dropped. */
  static EmbedJob.Result run(SparkSession spark, String... args) {
    return run(spark, quiet(), args);
  }

  /** The job run with {@code args}, its log written to {@code log}. */
  static EmbedJob.Result run(SparkSession spark, PrintStream log, String... args) {
    return EmbedJob.run(spark, JobOptions.parse(args), log);
  }

  /** The part files under {@code out}, by name. */
  static List<Path> partFiles(Path out) throws IOException {
    try (Stream<Path> files = Files.list(out)) {
      return files.filter(f -> f.getFileName().toString().startsWith("part-")).sorted().toList();
    }
  }

  /** Every line of the JSON part files under {@code out}, read as an object, file by file. */
  static List<JsonObject> partRows(Path out) throws IOException {
    List<JsonObject> rows = new ArrayList<>();
    for (Path f : partFiles(out)) {
      for (String line : Files.readAllLines(f)) {
        rows.add(JsonParser.parseString(line).getAsJsonObject());
      }
    }
    return rows;
  }
}
