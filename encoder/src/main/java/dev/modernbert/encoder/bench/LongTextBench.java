package dev.modernbert.encoder.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.encoder.demo.RandomCheckpoint;
import dev.modernbert.encoder.flags.FlagParser;
import dev.modernbert.encoder.longtext.Aggregate;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.longtext.LongTextMode;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.encoder.tokenize.TokenizedText;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code modernbert bench-long}: one long document in {@code chunk} and {@code late} mode against
 * the same tokens as ordinary rows ({@code rows}: the document cut into 510-token pieces, each
 * embedded in truncate mode). Tokens/s come from one JVM running the three modes interleaved (so
 * the ratios see one load level); each mode then runs once alone in its own JVM for its peak RSS.
 * The model is ModernBERT-base-shaped (hidden 768, 12 heads, local window 128) with {@code
 * --layers} layers of random weights and the demo tokenizer, written once to a temporary folder.
 */
public final class LongTextBench {
  static final FlagParser FLAGS =
      FlagParser.builder()
          .value("--tokens", "content tokens of the document (100000)")
          .value("--layers", "encoder layers of the base-shaped model (4)")
          .value("--reps", "timed repetitions after one warm-up, the median is reported (2)")
          .value("--threads", "libtorch intra-op threads (2)")
          .value(
              "--mode",
              "modes in this process, interleaved: rows,chunk,late (default: all, in child JVMs)")
          .value("--model", "with --mode: the model folder the parent wrote")
          .build();

  private static final int ROW_TOKENS = 510;
  private static final List<String> MODES = List.of("rows", "chunk", "late");
  private static final int LATE_CHUNK_TOKENS = 512;

  private LongTextBench() {}

  public static int run(String[] args) throws IOException, InterruptedException {
    Map<String, String> f = FLAGS.parse(args);
    int tokens = Integer.parseInt(f.getOrDefault("--tokens", "100000"));
    int layers = Integer.parseInt(f.getOrDefault("--layers", "4"));
    int reps = Integer.parseInt(f.getOrDefault("--reps", "2"));
    int threads = Integer.parseInt(f.getOrDefault("--threads", "2"));
    String mode = f.get("--mode");
    if (mode != null) {
      return measure(Path.of(f.get("--model")), mode, tokens, reps, threads);
    }
    Path dir = Files.createTempDirectory("modernbert-bench-long-");
    try {
      writeModel(dir, layers);
      return compare(dir, tokens, reps, threads);
    } finally {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** The parent's run: the interleaved child for tokens/s, one child per mode for its RSS. */
  private static int compare(Path dir, int tokens, int reps, int threads)
      throws IOException, InterruptedException {
    List<String> common =
        List.of("--model", dir.toString(), "--tokens", "" + tokens, "--threads", "" + threads);
    // tokens/s: the three modes interleaved, repetition by repetition, in one JVM (one load
    // level for all); peak RSS: each mode alone in its own JVM
    List<String> together = new ArrayList<>(List.of("--mode", String.join(",", MODES)));
    together.addAll(List.of("--reps", "" + reps));
    together.addAll(common);
    String line = ChildJvm.result(LongTextBench.class, together);
    Map<String, Double> rss = new java.util.LinkedHashMap<>();
    for (String m : MODES) {
      List<String> alone = new ArrayList<>(List.of("--mode", m, "--reps", "1"));
      alone.addAll(common);
      rss.put(m, ChildJvm.field(ChildJvm.result(LongTextBench.class, alone), "peak_rss_mb_" + m));
    }
    double rows = ChildJvm.field(line, "tokens_per_s_rows");
    for (String m : MODES) {
      double rate = ChildJvm.field(line, "tokens_per_s_" + m);
      System.out.printf(
          Locale.ROOT,
          "%-5s %8.1f tokens/s  %.2fx rows  peak RSS alone %.0f MiB%n",
          m,
          rate,
          rate / rows,
          rss.get(m));
    }
    return 0;
  }

  /** ModernBERT-base's shape with {@code layers} layers, the demo tokenizer, random weights. */
  static void writeModel(Path dir, int layers) throws IOException {
    Path demo = DemoModel.ensure();
    for (String file : List.of("tokenizer.json", "tokenizer_config.json")) {
      Files.copy(demo.resolve(file), dir.resolve(file));
    }
    JsonObject config =
        JsonParser.parseString(
                Files.readString(demo.resolve("config.json"), StandardCharsets.UTF_8))
            .getAsJsonObject();
    config.addProperty("hidden_size", 768);
    config.addProperty("intermediate_size", 1152);
    config.addProperty("num_hidden_layers", layers);
    config.addProperty("num_attention_heads", 12);
    config.addProperty("local_attention", 128);
    config.addProperty("max_position_embeddings", 8192);
    Files.writeString(dir.resolve("config.json"), config.toString(), StandardCharsets.UTF_8);
    RandomCheckpoint.write(dir, config, HeadKind.MASKED_LM, 7);
  }

  /** Times {@code modes} (comma-separated) interleaved; one RESULT line with each mode's rate. */
  private static int measure(Path model, String modes, int tokens, int reps, int threads) {
    try (ModernBertEncoder encoder =
        ModernBertEncoder.load(model, EncoderOptions.defaults().withNumThreads(threads))) {
      String doc = document(encoder, tokens, 1);
      int n = encoder.tokenizer().encodeContent(doc).length();
      List<String> names = List.of(modes.split(","));
      List<TextTask<?>> tasks = new ArrayList<>();
      List<List<String>> inputs = new ArrayList<>();
      for (String mode : names) {
        tasks.add(task(mode));
        inputs.add(mode.equals("rows") ? rows(encoder, doc) : List.of(doc));
      }
      String warmUp = document(encoder, 2000, 2);
      tasks.forEach(t -> encoder.runTexts(t, List.of(warmUp), BatchPlanner.defaults()));
      double[][] seconds = new double[names.size()][reps];
      for (int r = 0; r < reps; r++) {
        for (int m = 0; m < names.size(); m++) {
          long t0 = System.nanoTime();
          encoder.runTexts(tasks.get(m), inputs.get(m), BatchPlanner.defaults());
          seconds[m][r] = (System.nanoTime() - t0) / 1e9;
        }
      }
      StringBuilder line = new StringBuilder("RESULT tokens=" + n);
      for (int m = 0; m < names.size(); m++) {
        double[] s = seconds[m].clone();
        java.util.Arrays.sort(s);
        line.append(
            String.format(
                Locale.ROOT,
                " tokens_per_s_%s=%.1f peak_rss_mb_%s=%.0f",
                names.get(m),
                n / s[reps / 2],
                names.get(m),
                BenchCommand.peakRssMb()));
      }
      System.out.println(line);
      return 0;
    }
  }

  private static TextTask<?> task(String mode) {
    Embed embed = new Embed(Pooling.MEAN, true);
    return switch (mode) {
      case "rows" -> embed;
      case "chunk" -> new LongTextEmbed(embed, LongTextMode.CHUNK, 0, 0, 0, Aggregate.NONE);
      case "late" ->
          new LongTextEmbed(embed, LongTextMode.LATE, 0, 0, LATE_CHUNK_TOKENS, Aggregate.NONE);
      default -> throw new IllegalArgumentException("bad --mode " + mode + ": rows, chunk or late");
    };
  }

  /** Random words until the document holds about {@code tokens} content tokens. */
  private static String document(ModernBertEncoder encoder, int tokens, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder();
    while (true) {
      for (int i = 0; i < 1000; i++) {
        int len = 2 + random.nextInt(8);
        for (int c = 0; c < len; c++) {
          sb.append((char) ('a' + random.nextInt(26)));
        }
        sb.append(random.nextInt(12) == 0 ? ". " : " ");
      }
      int n = encoder.tokenizer().encodeContent(sb.toString()).length();
      if (n >= tokens) {
        TokenizedText t = encoder.tokenizer().encodeContent(sb.toString());
        return sb.substring(0, t.charEnd()[tokens - 1]);
      }
    }
  }

  /** The document cut into pieces of {@value #ROW_TOKENS} tokens, as ordinary rows. */
  private static List<String> rows(ModernBertEncoder encoder, String doc) {
    TokenizedText t = encoder.tokenizer().encodeContent(doc);
    List<String> rows = new ArrayList<>();
    for (int s = 0; s < t.length(); s += ROW_TOKENS) {
      int e = Math.min(s + ROW_TOKENS, t.length()) - 1;
      rows.add(doc.substring(t.charStart()[s], t.charEnd()[e]));
    }
    return rows;
  }

  public static void main(String[] args) throws Exception {
    System.exit(run(args));
  }
}
