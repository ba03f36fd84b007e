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
 * Writes N rows {"id", "text"} whose token counts follow W2 of /work/shared/bench/workloads.md
 * (the LCG, state = 2024; 512 lengths cycled), as FILES jsonl files. Each text is L - 2 words that
 * are single tokens of the demo model's vocabulary, so with [CLS]/[SEP] it is exactly L tokens
 * (the demo model truncates at 1,024).
 *
 * <p>Usage: java -cp jobs/target/modernbert-spark-jobs-*.jar bench/ScaleCheckData.java N OUTDIR [FILES]
 */
public class ScaleCheckData {
  public static void main(String[] args) throws Exception {
    long n = Long.parseLong(args[0]);
    Path out = Path.of(args[1]);
    int files = args.length > 2 ? Integer.parseInt(args[2]) : 8;
    int[] lengths = new int[512];
    int state = 2024;
    for (int i = 0; i < 512; i++) {
      state = state * 1664525 + 1013904223;
      int draw = state >>> 16;
      int b = draw % 100;
      int r = draw;
      lengths[i] =
          b < 50 ? 16 + r % 185 : b < 80 ? 201 + r % 312 : b < 95 ? 513 + r % 512 : 1025 + r % 1024;
    }
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
    for (long i = 0; i < n; i++) {
      int len = lengths[(int) (i % 512)];
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
    System.out.println("rows=" + n + " tokens_after_truncation=" + tokens + " words=" + words.size());
  }
}
