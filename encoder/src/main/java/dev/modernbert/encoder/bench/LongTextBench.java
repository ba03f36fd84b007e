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
 * embedded in truncate mode). Each mode runs in its own JVM so its peak RSS is its own; the parent
 * prints tokens/s per mode and the ratios to {@code rows}. The model is ModernBERT-base-shaped
 * (hidden 768, 12 heads, local window 128) with {@code --layers} layers of random weights and the
 * demo tokenizer, written once to a temporary folder.
 */
public final class LongTextBench {
  static final FlagParser FLAGS =
      FlagParser.builder()
          .value("--tokens", "content tokens of the document (100000)")
          .value("--layers", "encoder layers of the base-shaped model (4)")
          .value("--reps", "timed repetitions after one warm-up, the median is reported (2)")
          .value("--threads", "libtorch intra-op threads (2)")
          .value("--mode", "one mode in this process: chunk, late or rows (all, in child JVMs)")
          .value("--model", "with --mode: the model folder the parent wrote")
          .build();

  private static final int ROW_TOKENS = 510;
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
    writeModel(dir, layers);
    List<String> common =
        List.of(
            "--model",
            dir.toString(),
            "--tokens",
            "" + tokens,
            "--reps",
            "" + reps,
            "--threads",
            "" + threads);
    Map<String, Double> rate = new java.util.LinkedHashMap<>();
    for (String m : List.of("rows", "chunk", "late")) {
      List<String> a = new ArrayList<>(List.of("--mode", m));
      a.addAll(common);
      String line = ChildJvm.result(LongTextBench.class, a);
      rate.put(m, ChildJvm.field(line, "tokens_per_s"));
    }
    for (String m : List.of("chunk", "late")) {
      System.out.printf(
          Locale.ROOT, "RATIO %s/rows tokens/s = %.2fx%n", m, rate.get(m) / rate.get("rows"));
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

  private static int measure(Path model, String mode, int tokens, int reps, int threads) {
    try (ModernBertEncoder encoder =
        ModernBertEncoder.load(model, EncoderOptions.defaults().withNumThreads(threads))) {
      String doc = document(encoder, tokens, 1);
      int n = encoder.tokenizer().encodeContent(doc).length();
      Embed embed = new Embed(Pooling.MEAN, true);
      TextTask<?> task =
          switch (mode) {
            case "rows" -> embed;
            case "chunk" -> new LongTextEmbed(embed, LongTextMode.CHUNK, 0, 0, 0, Aggregate.NONE);
            case "late" ->
                new LongTextEmbed(
                    embed, LongTextMode.LATE, 0, 0, LATE_CHUNK_TOKENS, Aggregate.NONE);
            default -> throw new IllegalArgumentException("bad --mode " + mode);
          };
      List<String> texts = mode.equals("rows") ? rows(encoder, doc) : List.of(doc);
      encoder.runTexts(task, List.of(document(encoder, 2000, 2)), BatchPlanner.defaults());
      double[] seconds = new double[reps];
      for (int r = 0; r < reps; r++) {
        long t0 = System.nanoTime();
        encoder.runTexts(task, texts, BatchPlanner.defaults());
        seconds[r] = (System.nanoTime() - t0) / 1e9;
      }
      java.util.Arrays.sort(seconds);
      double median = seconds[reps / 2];
      System.out.printf(
          Locale.ROOT,
          "RESULT mode=%s tokens=%d seconds=%.2f tokens_per_s=%.1f peak_rss_mb=%.0f%n",
          mode,
          n,
          median,
          n / median,
          BenchCommand.peakRssMb());
      return 0;
    }
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
