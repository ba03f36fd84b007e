import dev.modernbert.encoder.bench.Workloads;
import dev.modernbert.encoder.demo.DemoModel;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes N rows {"id", "text"} whose token counts follow W2 of docs/workloads.md, as FILES jsonl
 * files: the 512 lengths of the benchmark's own generator ({@link Workloads#w2Lengths()}, mean
 * 341.8), cycled. Each text is L - 2 words that are single tokens of the demo model's vocabulary,
 * so with [CLS]/[SEP] it is exactly L tokens (the demo model truncates at 1,024).
 *
 * <p>Usage: java -cp jobs/target/modernbert-spark-jobs-*.jar bench/ScaleCheckData.java N OUTDIR [FILES]
 * (any classpath with the encoder and gson works, e.g. encoder/target/classes:encoder/target/lib/*)
 */
public class ScaleCheckData {
  public static void main(String[] args) throws Exception {
    long n = Long.parseLong(args[0]);
    Path out = Path.of(args[1]);
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int[] lengths = Workloads.w2Lengths();
    JsonObject vocab =
        JsonParser.parseString(
                Files.readString(DemoModel.ensure().resolve("tokenizer.json"), StandardCharsets.UTF_8))
            .getAsJsonObject()
            .getAsJsonObject("model")
            .getAsJsonObject("vocab");
    List<String> words = new ArrayList<>();
    for (String w : vocab.keySet()) {
      if (w.matches("[a-z]{2,}")) {
        words.add(w);
      }
    }
    Files.createDirectories(out);
    BufferedWriter[] w = new BufferedWriter[files];
    for (int f = 0; f < files; f++) {
      w[f] = Files.newBufferedWriter(out.resolve("part-" + f + ".jsonl"), StandardCharsets.UTF_8);
    }
    long tokens = 0;
    long untruncated = 0;
    for (long i = 0; i < n; i++) {
      int len = lengths[(int) (i % lengths.length)];
      untruncated += len;
      tokens += Math.min(len, 1024);
      StringBuilder sb = new StringBuilder(len * 7);
      for (int k = 0; k < len - 2; k++) {
        if (k > 0) {
          sb.append(' ');
        }
        sb.append(words.get((int) ((i * 31 + k * 17) % words.size())));
      }
      JsonObject o = new JsonObject();
      o.addProperty("id", i);
      o.addProperty("text", sb.toString());
      BufferedWriter bw = w[(int) (i % files)];
      bw.write(o.toString());
      bw.write('\n');
    }
    for (BufferedWriter bw : w) {
      bw.close();
    }
    System.out.printf(
        java.util.Locale.ROOT,
        "rows=%d tokens=%d mean_tokens=%.1f tokens_after_truncation=%d words=%d%n",
        n,
        untruncated,
        n == 0 ? 0.0 : untruncated / (double) n,
        tokens,
        words.size());
  }
}
