package dev.modernbert.spark.bench;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.spark.executor.ExecutorThreads;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.ml.ModernBertEmbedder;
import dev.modernbert.spark.testing.SparkTesting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark layer overhead: rows/s through {@link ModernBertEmbedder} in {@code local[2]} versus the
 * encoder alone on the same rows with the same settings (model, pooling, maxLength, batchTokens,
 * maxBatchRows, sort window, libtorch threads), in one JVM. Each side is warmed up once (model
 * load, JIT), then the two are timed alternately {@code repeats} times (so a noisy neighbour on a
 * shared machine hurts both alike). Each repetition gives one paired overhead (Spark's time over
 * the encoder's in that repetition); the median pair is the figure and the spread (min-max over
 * pairs) says how stable it is. 10,000 rows of up to 256 words (1.83 M tokens) take 21-29 s per
 * side and repetition on the 2-core VM; the defaults (20,000 rows) twice that. A few thousand short
 * rows last 2-3 s, and their overhead moved between 8 % and 44 % from run to run.
 *
 * <p>Encoder alone: tokenize a window of {@code sortWindowRows} texts, embed it, next window (one
 * thread tokenizes, libtorch uses the same threads as the Spark runner). Spark: a cached DataFrame
 * of the same texts in {@code partitions} partitions, transformed and written to the {@code noop}
 * sink (every output row materialised).
 *
 * <pre>
 * mvn -B -q -pl spark-udf -am test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/mb-cp.txt -Dmdep.includeScope=test
 * java $(tr '\n' ' ' &lt; docs/spark-jvm-options.txt) -Xmx4g \
 *     -cp spark-udf/target/test-classes:spark-udf/target/classes:$(cat /tmp/mb-cp.txt) \
 *     dev.modernbert.spark.bench.SparkOverheadBench [rows=20000] [maxWords=256] [partitions=2] [repeats=5]
 * </pre>
 */
public final class SparkOverheadBench {
  private SparkOverheadBench() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 20000;
    int maxWords = args.length > 1 ? Integer.parseInt(args[1]) : 256;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    int repeats = args.length > 3 ? Integer.parseInt(args[3]) : 5;
    int window = 1024;
    String pooling = "mean";

    SparkSession spark = SparkTesting.spark();
    int threads = ExecutorThreads.resolve(0);
    List<String> texts = SparkTesting.texts(rows, maxWords, 2024);
    EncoderOptions options = EncoderOptions.defaults().withNumThreads(threads);

    Dataset<Row> df = SparkTesting.frame(texts, partitions).cache();
    df.count();
    ModernBertEmbedder embedder =
        new ModernBertEmbedder()
            .setModelPath("demo")
            .setPooling(pooling)
            .setSortWindowRows(window)
            .setBatchTokens(options.batchTokens())
            .setMaxBatchRows(options.maxBatchRows())
            .setNumThreads(threads);
    double[] encoderSeconds = new double[repeats];
    double[] sparkSeconds = new double[repeats];
    long tokens = 0;
    try (ModernBertEncoder encoder = ModernBertEncoder.load("demo", options)) {
      // warm-up: model loads, JIT, libtorch allocator
      runEncoder(encoder, texts, window, pooling);
      runSpark(embedder, df);
      // interleaved, so that a noisy neighbour hurts both sides alike; each pair gives a ratio
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        tokens = runEncoder(encoder, texts, window, pooling);
        encoderSeconds[r] = (System.nanoTime() - t0) / 1e9;
        t0 = System.nanoTime();
        runSpark(embedder, df);
        sparkSeconds[r] = (System.nanoTime() - t0) / 1e9;
      }
    }
    StageMetrics metrics = StageMetrics.register(spark.sparkContext());
    runSpark(embedder, df, metrics);

    double enc = median(encoderSeconds);
    double spk = median(sparkSeconds);
    double encRate = rows / enc;
    double sparkRate = rows / spk;
    double[] pairs = new double[repeats];
    for (int r = 0; r < repeats; r++) {
      pairs[r] = (sparkSeconds[r] / encoderSeconds[r] - 1) * 100;
    }
    System.out.printf(
        "rows=%d tokens=%d maxWords=%d partitions=%d threads=%d window=%d batchTokens=%d"
            + " pooling=%s%n",
        rows, tokens, maxWords, partitions, threads, window, options.batchTokens(), pooling);
    System.out.printf(
        "encoder alone : %.0f rows/s (median of %s s)%n",
        encRate, Arrays.toString(round(encoderSeconds)));
    System.out.printf(
        "Spark local[2]: %.0f rows/s (median of %s s)%n",
        sparkRate, Arrays.toString(round(sparkSeconds)));
    System.out.printf(
        "Spark layer overhead: %.1f%% (median of the paired runs %s %%; spread %.1f to %.1f)%n",
        median(pairs),
        Arrays.toString(round(pairs)),
        Arrays.stream(pairs).min().orElseThrow(),
        Arrays.stream(pairs).max().orElseThrow());
    System.out.println("one more Spark run's metrics: " + metrics.totals());
    spark.stop();
  }

  private static void runSpark(ModernBertEmbedder embedder, Dataset<Row> df) {
    runSpark(embedder, df, StageMetrics.register(df.sparkSession().sparkContext()));
  }

  private static void runSpark(ModernBertEmbedder embedder, Dataset<Row> df, StageMetrics m) {
    embedder.transform(df, m).write().format("noop").mode("overwrite").save();
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static long runEncoder(
      ModernBertEncoder encoder, List<String> texts, int window, String pooling) {
    long tokens = 0;
    for (int start = 0; start < texts.size(); start += window) {
      List<int[]> seqs = new ArrayList<>();
      for (String t : texts.subList(start, Math.min(texts.size(), start + window))) {
        int[] ids = encoder.tokenize(t).ids();
        tokens += ids.length;
        seqs.add(ids);
      }
      List<float[]> out = encoder.embed(seqs, Pooling.parse(pooling), false);
      if (out.size() != seqs.size()) {
        throw new IllegalStateException("lost rows");
      }
    }
    return tokens;
  }

  private static double[] round(double[] s) {
    return Arrays.stream(s).map(x -> Math.round(x * 100) / 100.0).toArray();
  }
}
