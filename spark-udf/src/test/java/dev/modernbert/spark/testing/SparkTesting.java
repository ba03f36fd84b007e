package dev.modernbert.spark.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.encoder.pool.Pooling;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One local[2] SparkSession for every test class of the JVM, plus demo data and references. */
public final class SparkTesting {
  private static SparkSession spark;
  private static ModernBertEncoder reference;

  private SparkTesting() {}

  public static synchronized SparkSession spark() {
    if (spark == null) {
      spark =
          SparkSession.builder()
              .master("local[2]")
              .appName("modernbert-spark-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.adaptive.enabled", "false")
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
      SparkSession s = spark;
      Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
    }
    return spark;
  }

  /** The demo encoder with default options, loaded once (the reference outputs come from it). */
  public static synchronized ModernBertEncoder reference() {
    if (reference == null) {
      reference = ModernBertEncoder.load("demo", EncoderOptions.defaults());
    }
    return reference;
  }

  public static List<float[]> referenceEmbed(
      ModernBertEncoder encoder, List<String> texts, Pooling pooling, boolean normalize) {
    List<int[]> seqs = new ArrayList<>();
    for (String t : texts) {
      seqs.add(encoder.tokenize(t).ids());
    }
    return encoder.embed(seqs, pooling, normalize);
  }

  private static final String[] WORDS =
      ("the of and to in is was for on that with spark model text token embedding vector search"
              + " query document language learning machine fast long short encoder transformer"
              + " attention window global local batch memory speed cluster city river mountain"
              + " music film book science history art game team player season water food energy"
              + " market price company unknownish zebra quixotic 42 3.14 !?")
          .split(" ");

  /** Deterministic texts of 1 to maxWords words. */
  public static List<String> texts(int n, int maxWords, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int words = 1 + r.nextInt(maxWords);
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < words; w++) {
        if (w > 0) {
          sb.append(' ');
        }
        sb.append(WORDS[r.nextInt(WORDS.length)]);
      }
      out.add(sb.toString());
    }
    return out;
  }

  public static final StructType SCHEMA =
      new StructType().add("id", DataTypes.LongType, false).add("text", DataTypes.StringType, true);

  public static Dataset<Row> frame(List<String> texts, int partitions) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      rows.add(RowFactory.create((long) i, texts.get(i)));
    }
    return spark().createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  /** A copy of the demo checkpoint in a new folder. */
  public static Path demoCopy(Path parent) {
    try {
      Path src = DemoModel.ensure();
      Path dst = Files.createTempDirectory(parent, "demo-copy-");
      try (Stream<Path> files = Files.list(src)) {
        for (Path f : files.toList()) {
          Files.copy(f, dst.resolve(f.getFileName()));
        }
      }
      return dst;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A demo copy whose tokenizer knows the word {@code zzzfail} as id 900, outside the model's
   * 512-word vocabulary: texts with that word tokenize fine but cannot be embedded.
   */
  public static Path brokenVocabModel(Path parent) {
    Path dir = demoCopy(parent);
    try {
      Path tok = dir.resolve("tokenizer.json");
      JsonObject json =
          JsonParser.parseString(Files.readString(tok, StandardCharsets.UTF_8)).getAsJsonObject();
      json.getAsJsonObject("model").getAsJsonObject("vocab").addProperty("zzzfail", 900);
      Files.writeString(tok, json.toString(), StandardCharsets.UTF_8);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static float[] toFloats(Object value) {
    if (value instanceof org.apache.spark.ml.linalg.Vector v) {
      double[] d = v.toArray();
      float[] f = new float[d.length];
      for (int i = 0; i < d.length; i++) {
        f[i] = (float) d[i];
      }
      return f;
    }
    if (value instanceof scala.collection.Seq<?> seq) {
      float[] f = new float[seq.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = ((Number) seq.apply(i)).floatValue();
      }
      return f;
    }
    if (value instanceof List<?> list) {
      float[] f = new float[list.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = ((Number) list.get(i)).floatValue();
      }
      return f;
    }
    throw new IllegalArgumentException("not a vector: " + value);
  }
}
