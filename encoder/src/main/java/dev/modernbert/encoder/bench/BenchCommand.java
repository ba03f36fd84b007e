package dev.modernbert.encoder.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.flags.FlagParser;
import dev.modernbert.encoder.model.AttentionKernel;
import dev.modernbert.encoder.model.BatchTensors;
import dev.modernbert.encoder.model.ModernBertModel;
import dev.modernbert.encoder.options.RunOptions;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.task.BatchStats;
import dev.modernbert.encoder.weights.HeadKind;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code modernbert bench}: runs the workloads of {@code docs/workloads.md} on a
 * ModernBERT-base-shaped model with random weights, for our path (length-sorted token-budget
 * batches, packed rows, fused and banded attention) and the naive baseline (the workload's fixed
 * row batches in its order, padded to each batch's longest, full attention masks).
 *
 * <p>Without {@code --impl}, every (workload, implementation) pair runs in its own child JVM, so
 * each peak RSS is that pair's alone (the protocol's "one process per pair"); the parent prints the
 * table and the ratios. Timing: {@code --warmup} untimed passes of each workload (its own batch
 * shapes, so a GPU has loaded its kernels and grown its allocator before the clock runs), then the
 * median of {@code --reps} repetitions of the whole workload. Our path is timed through the
 * encoder's runner ({@code ModernBertEncoder.run}, production's path); each of its batches reads
 * one element of its output to the host, the naive path only its last batch, and that read waits
 * for every queued kernel (on CUDA the ops only enqueue; on the CPU the read is free).
 */
public final class BenchCommand {
  private static final String USAGE =
      "usage: modernbert bench [--workloads W1,W2a:128,W2b:128,W2a,W3] [--reps 3] [--threads 2]\n"
          + "                        [--batch-tokens 4096] [--naive-skip W2a,W3] [--dtype float32]\n"
          + "                        [--device cpu|cuda|cuda:N] [--warmup 1]\n"
          + "       modernbert bench --impl ours|naive|gemm --workload W[,W...] [--reps N] [--threads N]\n"
          + "                        [--batch-tokens N] [--dtype float32[,bfloat16]]\n"
          + "                        [--gemm auto[,default,onednn]]\n"
          + "                        [--device cpu|cuda|cuda:N] [--warmup N]\n"
          + "Workloads (docs/workloads.md): W1, W2a[:N] (input order), W2b[:N] (sorted), W3.\n"
          + "--device picks where the model runs (cpu by default); each repetition's timer stops\n"
          + "after a read of its last output, so queued GPU work is counted. --warmup untimed\n"
          + "passes of each workload run first, at its own batch shapes.\n"
          + "Several workloads after --impl run interleaved in one process, one repetition of each in\n"
          + "turn; with two (e.g. W1,W3) a PAIR line gives the ratio of their per-token times. With\n"
          + "two dtypes (--dtype float32,bfloat16) each workload runs in both, interleaved, and a\n"
          + "PAIR line per workload gives the first dtype's per-token time over the second's; so\n"
          + "with two CPU product routes (--gemm default,onednn). --impl gemm measures every\n"
          + "route of each dtype, one RESULT line per route.";

  static final String DEFAULT_WORKLOADS = "W1,W2a:128,W2b:128,W2a,W3";
  static final String DEFAULT_NAIVE_SKIP = "W2a,W3";

  /** The bench's flags; any other is refused (exit 2), as is one given twice. */
  static final FlagParser FLAGS =
      FlagParser.builder()
          .value(
              "--workloads",
              "full run: workloads, each pair in its own JVM (" + DEFAULT_WORKLOADS + ")")
          .value(
              "--naive-skip",
              "full run: workloads without a naive run (" + DEFAULT_NAIVE_SKIP + ")")
          .value("--impl", "one implementation in this process: ours, naive or gemm")
          .value("--workload", "with --impl: the workloads, interleaved (W1)")
          .value("--reps", "timed repetitions, the median is reported (3)")
          .value("--threads", "libtorch intra-op threads (2)")
          .value(
              "--batch-tokens",
              "our path's token budget per batch (" + BatchPlanner.DEFAULT_BATCH_TOKENS + ")")
          .value(
              "--dtype",
              "float32, float16 or bfloat16 (CPU bf16 products); with --impl a list runs each"
                  + " workload in each, interleaved (float32)")
          .value(
              "--gemm",
              "auto, default or onednn: the CPU's product route (auto measures); with --impl a"
                  + " list runs each workload on each, interleaved (auto)")
          .value("--device", "cpu, cuda or cuda:N: where the model runs (cpu)")
          .value("--warmup", "untimed passes of each workload before the timed ones (1)")
          .build();

  private static final List<String> IMPLS = List.of("ours", "naive", "gemm");

  /**
   * The command line, checked: {@code impl} null for the full run (every pair in a child JVM), else
   * {@code workloads} are those of {@code --workload}.
   */
  record Options(
      String impl,
      List<String> workloads,
      List<String> naiveSkip,
      int reps,
      int threads,
      int batchTokens,
      List<Precision> dtypes,
      List<GemmSpec> gemms,
      DeviceSpec device,
      int warmup) {}

  private BenchCommand() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  /** Parses, then runs; usage problems are exit 2, before anything runs. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (FLAGS.wantsHelp(args)) { // in a flag's position only: --device -h is a (bad) device
      out.println(USAGE);
      return 0;
    }
    Options opts;
    try {
      opts = parse(args);
    } catch (IllegalArgumentException e) {
      err.println("bench: " + e.getMessage() + "\n" + USAGE);
      return 2;
    }
    try {
      if (opts.impl() != null) {
        return runOne(opts);
      }
      return runAll(opts);
    } catch (IllegalArgumentException e) {
      err.println("bench: " + e.getMessage() + "\n" + USAGE);
      return 2;
    } catch (DeviceUnavailableException e) {
      err.println("bench: " + e.getMessage());
      return 1;
    } catch (IOException | InterruptedException e) {
      err.println("bench: " + e);
      return 1;
    }
  }

  /**
   * The options of {@code args}, or an {@link IllegalArgumentException} naming the flag: an unknown
   * flag, one given twice or without its value, a bad number, implementation or workload, or a flag
   * of the other mode ({@code --workload} without {@code --impl}, {@code --workloads} or {@code
   * --naive-skip} with it).
   */
  static Options parse(String[] args) {
    Map<String, String> f = FLAGS.parse(args);
    String impl = f.get("--impl");
    if (impl != null) {
      impl = impl.trim().toLowerCase(Locale.ROOT);
      if (!IMPLS.contains(impl)) {
        throw new IllegalArgumentException(
            "--impl: bad value \"" + f.get("--impl") + "\" (expected ours, naive, gemm)");
      }
      for (String full : List.of("--workloads", "--naive-skip")) {
        if (f.containsKey(full)) {
          throw new IllegalArgumentException(full + " is for the full run, not with --impl");
        }
      }
    } else if (f.containsKey("--workload")) {
      throw new IllegalArgumentException(
          "--workload needs --impl (the full run takes --workloads)");
    }
    List<String> workloads =
        list(
            f,
            impl != null ? "--workload" : "--workloads",
            impl != null ? "W1" : DEFAULT_WORKLOADS);
    for (String w : workloads) {
      Workloads.byName(w); // throws, naming it, for an unknown workload or a bad prefix
    }
    DeviceSpec device = device(f.getOrDefault("--device", "cpu"));
    // Device.gpu(n) only names the device: libtorch is not started while parsing
    Device named = device.kind() == DeviceSpec.Kind.CUDA ? Device.gpu(0) : Device.cpu();
    List<Precision> dtypes = new ArrayList<>();
    for (String d : list(f, "--dtype", "float32")) {
      try {
        dtypes.add(Precision.of(d, named)); // refuses bfloat16 on a GPU or a CPU without it
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--dtype: " + e.getMessage(), e);
      }
    }
    if (impl == null && dtypes.size() > 1) {
      throw new IllegalArgumentException(
          "--dtype: the full run takes one dtype; lists need --impl");
    }
    List<GemmSpec> gemms = new ArrayList<>();
    for (String g : list(f, "--gemm", "auto")) {
      gemms.add(GemmSpec.parse(RunOptions.GEMM.parse("--gemm", g))); // the option's one message
    }
    if (gemms.size() > 1 && (impl == null || dtypes.size() > 1)) {
      throw new IllegalArgumentException(
          "--gemm: a list needs --impl and one --dtype (the variants run interleaved)");
    }
    return new Options(
        impl,
        workloads,
        list(f, "--naive-skip", DEFAULT_NAIVE_SKIP),
        FlagParser.intAtLeast(f, "--reps", 3, 1),
        FlagParser.intAtLeast(f, "--threads", 2, 1),
        FlagParser.intAtLeast(f, "--batch-tokens", BatchPlanner.DEFAULT_BATCH_TOKENS, 1),
        List.copyOf(dtypes),
        List.copyOf(gemms),
        device,
        FlagParser.intAtLeast(f, "--warmup", 1, 0));
  }

  /**
   * {@code cpu}, {@code cuda} or {@code cuda:N}; {@code auto} is refused: a bench names its device.
   */
  static DeviceSpec device(String value) {
    DeviceSpec d;
    try {
      d = DeviceSpec.parse(value);
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.kind() == DeviceSpec.Kind.AUTO) {
      throw new IllegalArgumentException(
          "--device: bad value \"" + value + "\" (expected cpu, cuda or cuda:N)");
    }
    return d;
  }

  /** A device the command line named that this machine's libtorch cannot give (exit 1). */
  static final class DeviceUnavailableException extends RuntimeException {
    DeviceUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The device of {@code spec}, from libtorch: a CUDA device it does not see, or a libtorch that
   * does not start, is a {@link DeviceUnavailableException} naming the device and the cause.
   */
  static Device resolve(DeviceSpec spec) {
    if (spec.kind() == DeviceSpec.Kind.CPU) {
      return Device.cpu();
    }
    try {
      return TorchRuntime.device(spec);
    } catch (RuntimeException | UnsatisfiedLinkError e) { // whatever libtorch's start throws
      throw new DeviceUnavailableException("--device " + spec + ": " + e.getMessage(), e);
    }
  }

  /** The line at the top of the output: the device, and for CUDA what libtorch sees. */
  static String deviceLine(DeviceSpec spec, Device device) {
    if (!device.isGpu()) {
      return "DEVICE device=cpu";
    }
    var engine = TorchRuntime.engine();
    return "DEVICE device=cuda:"
        + device.getDeviceId()
        + " asked="
        + spec
        + " gpus="
        + engine.getGpuCount()
        + " libtorch="
        + engine.getVersion();
  }

  private static List<String> list(Map<String, String> f, String name, String fallback) {
    List<String> out = new ArrayList<>();
    for (String p : f.getOrDefault(name, fallback).split(",")) {
      if (!p.isBlank()) {
        out.add(p.trim());
      }
    }
    if (out.isEmpty() && !name.equals("--naive-skip")) {
      throw new IllegalArgumentException(name + " is empty");
    }
    return List.copyOf(out);
  }

  /**
   * One implementation and one or more workloads in this process; prints one RESULT line per
   * workload. Several workloads run interleaved, one repetition of each in turn, so that they share
   * the machine's conditions; with two, a PAIR line gives the ratio of their per-token times in
   * each repetition (peak RSS is then the process's, over both).
   */
  private static int runOne(Options opts) {
    int reps = opts.reps();
    int batchTokens = opts.batchTokens();
    String impl = opts.impl();
    Device device = resolve(opts.device());
    System.out.println(deviceLine(opts.device(), device));
    TorchRuntime.setThreads(opts.threads());
    if (!device.isGpu()) {
      for (GemmSpec gemm : opts.gemms()) {
        System.out.println(GemmBench.cpuLine(opts.dtypes(), gemm));
      }
    }
    if (impl.equals("gemm")) {
      opts.dtypes().forEach(p -> GemmBench.run(reps, p, device));
      return 0;
    }
    List<Workloads.Workload> ws = opts.workloads().stream().map(Workloads::byName).toList();
    List<Variant> variants = Variant.all(opts.dtypes(), opts.gemms());
    ModernBertConfig config = ModernBertConfig.base();
    List<ModernBertEncoder> encoders = new ArrayList<>();
    try {
      for (Variant v : variants) {
        encoders.add(
            ModernBertEncoder.of(
                ModernBertModel.random(config, HeadKind.NONE, device, v.dtype(), v.gemm()),
                EncoderOptions.defaults()));
      }
      BatchPlanner planner = new BatchPlanner(batchTokens, BatchPlanner.DEFAULT_MAX_BATCH_ROWS);
      List<Pass> passes =
          ws.stream().map(w -> impl.equals("naive") ? naive(w) : ours(w, planner)).toList();
      for (int k = 0; k < opts.warmup(); k++) {
        for (Pass pass : passes) {
          encoders.forEach(pass::run);
        }
      }
      double[][][] seconds = new double[ws.size()][variants.size()][reps];
      Counts[] counts = new Counts[ws.size()];
      long cpu0 = cpuNanos();
      long wall0 = System.nanoTime();
      for (int r = 0; r < reps; r++) {
        for (int i = 0; i < ws.size(); i++) {
          for (int d = 0; d < variants.size(); d++) {
            long t0 = System.nanoTime();
            counts[i] = passes.get(i).run(encoders.get(d));
            seconds[i][d][r] = (System.nanoTime() - t0) / 1e9;
          }
        }
      }
      double cpuRatio = (cpuNanos() - cpu0) / (double) (System.nanoTime() - wall0);
      for (int i = 0; i < ws.size(); i++) {
        for (int d = 0; d < variants.size(); d++) {
          printResult(impl, ws.get(i), variants.get(d), device, counts[i], seconds[i][d], cpuRatio);
        }
      }
      if (ws.size() == 2 && variants.size() == 1) {
        printPair(
            ws.get(1).name() + "/" + ws.get(0).name(),
            seconds[1][0],
            ws.get(1).realTokens(),
            seconds[0][0],
            ws.get(0).realTokens());
      }
      if (variants.size() == 2) {
        for (int i = 0; i < ws.size(); i++) {
          long tokens = ws.get(i).realTokens();
          printPair(
              ws.get(i).name() + " " + variants.get(0).label() + "/" + variants.get(1).label(),
              seconds[i][0],
              tokens,
              seconds[i][1],
              tokens);
        }
      }
    } finally {
      encoders.forEach(ModernBertEncoder::close);
    }
    return 0;
  }

  /** A model variant of one run: its dtype and CPU product route option. */
  private record Variant(Precision dtype, GemmSpec gemm) {
    /** Every dtype on every route (the parser allows a list of only one of the two). */
    static List<Variant> all(List<Precision> dtypes, List<GemmSpec> gemms) {
      List<Variant> out = new ArrayList<>();
      dtypes.forEach(d -> gemms.forEach(g -> out.add(new Variant(d, g))));
      return out;
    }

    /** The dtype, or the route where the dtypes are the same: what a PAIR compares. */
    String label() {
      return gemm == GemmSpec.AUTO ? dtype.id() : dtype.id() + ":" + gemm;
    }
  }

  private static void printResult(
      String impl,
      Workloads.Workload w,
      Variant variant,
      Device device,
      Counts counts,
      double[] seconds,
      double cpuRatio) {
    double median = median(seconds);
    long padded = counts.computedRows();
    long slots = counts.paddedSlots();
    System.out.printf(
        Locale.ROOT,
        "RESULT impl=%s workload=%s dtype=%s gemm=%s device=%s batches=%d real_tokens=%d computed_rows=%d padded_slots=%d median_s=%.3f"
            + " real_tok_s=%.1f padded_tok_s=%.1f peak_rss_mb=%.0f cpu_per_wall=%.2f load=%s reps=%s%n",
        impl,
        w.name(),
        variant.dtype().id(),
        variant.gemm(),
        deviceId(device),
        counts.batches(),
        w.realTokens(),
        padded,
        slots,
        median,
        w.realTokens() / median,
        slots / median,
        peakRssMb(),
        cpuRatio,
        loadAverage(),
        Arrays.toString(seconds));
  }

  /** Per-token time of {@code a} over that of {@code b}, repetition by repetition. */
  private static void printPair(
      String label, double[] secondsA, long tokensA, double[] secondsB, long tokensB) {
    double[] ratios = new double[secondsA.length];
    StringBuilder each = new StringBuilder();
    for (int r = 0; r < ratios.length; r++) {
      ratios[r] = (secondsA[r] / tokensA) / (secondsB[r] / tokensB);
      each.append(r == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", ratios[r]));
    }
    System.out.printf(
        Locale.ROOT, "PAIR per_token_time %s median=%.3f reps=[%s]%n", label, median(ratios), each);
  }

  private record Batch(List<int[]> sequences, BatchLayout layout, AttentionKernel kernel) {}

  /** What one pass over a workload computed: forward passes, rows computed, padded slots. */
  private record Counts(long batches, long computedRows, long paddedSlots) {}

  /** One pass over a workload on one model, returning once the device has finished it. */
  @FunctionalInterface
  private interface Pass {
    Counts run(ModernBertEncoder encoder);
  }

  /**
   * Our path is production's: the encoder's runner ({@link ModernBertEncoder#run}) plans
   * length-sorted token-budget batches, runs them packed with fused attention and reads each batch
   * ({@link ForwardPass}: one value, which waits for the device).
   */
  private static Pass ours(Workloads.Workload w, BatchPlanner planner) {
    return encoder -> {
      BatchStats stats = encoder.run(new ForwardPass(), w.sequences(), null, planner).stats();
      // packed: the rows computed are the real tokens
      return new Counts(stats.batches(), stats.realTokens(), stats.paddedTokens());
    };
  }

  /** The naive path: fixed rows per batch in the workload's order, padded, full masks. */
  private static Pass naive(Workloads.Workload w) {
    List<Batch> batches = new ArrayList<>();
    List<int[]> order = w.naiveOrder();
    for (int[] members : BatchPlanner.fixedRows(order.size(), w.naiveRows())) {
      List<int[]> seqs = Arrays.stream(members).mapToObj(order::get).toList();
      batches.add(
          new Batch(
              seqs, BatchLayout.padded(BatchLayout.lengthsOf(seqs)), AttentionKernel.dense()));
    }
    Counts counts =
        new Counts(
            batches.size(),
            batches.stream().mapToLong(b -> (long) b.layout.rows()).sum(),
            batches.stream().mapToLong(b -> (long) b.layout.batchSize() * b.layout.width()).sum());
    return encoder -> {
      pass(encoder.model(), batches);
      return counts;
    };
  }

  /**
   * One pass over the naive batches; returns once the device has finished them: the last output's
   * first element is read to the host, which on CUDA waits for every queued kernel.
   */
  private static void pass(ModernBertModel model, List<Batch> batches) {
    for (int i = 0; i < batches.size(); i++) {
      Batch b = batches.get(i);
      try (BatchTensors batch = model.newBatch(b.sequences, b.layout);
          NDArray y = model.forward(batch, b.kernel)) {
        if (i == batches.size() - 1) {
          sync(y);
        }
      }
    }
  }

  /**
   * Waits for the work that produced {@code y}: a device-to-host copy of its first element (DJL has
   * no stream synchronise; the copy is ordered after every kernel on the stream). Returns the
   * number of bytes read, so the read cannot be optimised away.
   */
  static int sync(NDArray y) {
    if (y.getShape().dimension() == 0) {
      return y.toByteArray().length;
    }
    try (NDArray first = y.get(new long[y.getShape().dimension()])) { // y[0, 0, ...]
      return first.toByteArray().length;
    }
  }

  /** {@code cpu} or {@code cuda:N}. */
  static String deviceId(Device device) {
    return device.isGpu() ? "cuda:" + device.getDeviceId() : "cpu";
  }

  /** Runs each pair in a child JVM and prints the table with ratios. */
  private static int runAll(Options opts) throws IOException, InterruptedException {
    // a CUDA device is checked here, once, before any child starts
    System.out.println(deviceLine(opts.device(), resolve(opts.device())));
    List<String> workloads = opts.workloads();
    List<String> skipNaive = opts.naiveSkip();
    Map<String, String> results = new LinkedHashMap<>();
    results.put("gemm", child(opts, "gemm", "W1"));
    for (String w : workloads) {
      results.put("ours " + w, child(opts, "ours", w));
      if (!skipNaive.contains(w)) {
        results.put("naive " + w, child(opts, "naive", w));
      }
    }
    System.out.println("\n=== summary (real tokens/s; ratios from this run) ===");
    results.forEach((k, v) -> System.out.println(k + ": " + v));
    for (String w : workloads) {
      Double ours = field(results.get("ours " + w), "real_tok_s");
      Double naive = field(results.get("naive " + w), "real_tok_s");
      if (ours != null && naive != null) {
        System.out.printf(Locale.ROOT, "%s: ours / naive = %.2fx%n", w, ours / naive);
      }
    }
    Double gflops = GemmBench.best(results.get("gemm"), opts.dtypes().get(0));
    Double w1 = field(results.get("ours W1"), "real_tok_s");
    if (gflops != null && w1 != null) {
      double flopsPerToken = FlopCount.perToken(ModernBertConfig.base(), 512);
      System.out.printf(
          Locale.ROOT,
          "W1: %.1f MFLOP/token x %.1f tok/s = %.1f GFLOP/s = %.0f%% of the %.1f GFLOP/s GEMM rate%n",
          flopsPerToken / 1e6,
          w1,
          flopsPerToken * w1 / 1e9,
          100 * flopsPerToken * w1 / 1e9 / gflops,
          gflops);
    }
    Double w3 = field(results.get("ours W3"), "real_tok_s");
    if (w1 != null && w3 != null) {
      System.out.printf(
          Locale.ROOT,
          "W3 per-token time / W1 per-token time = %.2fx (FLOPs ratio %.2fx)%n",
          w1 / w3,
          FlopCount.perToken(ModernBertConfig.base(), 8192)
              / FlopCount.perToken(ModernBertConfig.base(), 512));
    }
    return 0;
  }

  private static String child(Options opts, String impl, String workload)
      throws IOException, InterruptedException {
    return ChildJvm.result(
        BenchCommand.class,
        List.of(
            "--impl",
            impl,
            "--workload",
            workload,
            "--reps",
            String.valueOf(opts.reps()),
            "--threads",
            String.valueOf(opts.threads()),
            "--batch-tokens",
            String.valueOf(opts.batchTokens()),
            "--dtype",
            opts.dtypes().get(0).id(),
            "--gemm",
            opts.gemms().get(0).toString(),
            "--device",
            opts.device().toString(),
            "--warmup",
            String.valueOf(opts.warmup())));
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }

  private static Double field(String line, String name) {
    return ChildJvm.field(line, name);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /** Peak resident set size (VmHWM, the same as getrusage's ru_maxrss), in MiB. */
  static double peakRssMb() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
        }
      }
    } catch (IOException e) {
      // not Linux
    }
    return -1;
  }

  private static long cpuNanos() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }
}
