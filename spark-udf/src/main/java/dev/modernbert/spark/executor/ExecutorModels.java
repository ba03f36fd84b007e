package dev.modernbert.spark.executor;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.runtime.TorchDoctor;
import dev.modernbert.encoder.runtime.TorchRuntime;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's model cache: one {@link SharedModel} per (model files, device, dtype, gemm,
 * maxLength) per JVM, loaded by the first task that needs it and shared by every later task,
 * whatever its batch settings (those are per request). Models live as long as the executor.
 *
 * <p>The first acquire of an executor logs what {@code bin/modernbert doctor} prints (Java, CPU,
 * libtorch, JNI, cudart, GPUs); a CUDA device is checked before any model file is fetched, so a
 * node without a usable CUDA set-up fails the task at once with the cause and the fix.
 */
public final class ExecutorModels {
  /** What identifies a loaded model: what changes its outputs (maxLength: where texts are cut). */
  public record Key(
      String modelDir, DeviceSpec device, Precision precision, GemmSpec gemm, int maxLength) {}

  /** A model and whether this call loaded it (and how long that took). */
  public record Acquired(SharedModel model, boolean loadedNow, long loadNanos) {}

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final Map<Key, Holder> CACHE = new ConcurrentHashMap<>();
  private static final AtomicBoolean NODE_LOGGED = new AtomicBoolean();

  private ExecutorModels() {}

  /** The model for a task: resolves device (from the task's resources) and files, then caches. */
  public static Acquired acquire(StageSpec spec, HadoopConf conf) {
    return acquire(spec, conf, DeviceResolver.taskGpus());
  }

  public static Acquired acquire(StageSpec spec, HadoopConf conf, List<String> taskGpus) {
    ResolvedDevice device = DeviceResolver.resolve(spec.device(), spec.dtype(), taskGpus);
    checkDevice(device.device());
    Path dir = ModelFiles.localize(spec.model(), conf);
    GemmSpec gemm =
        device.device().isGpu() ? GemmSpec.AUTO : spec.gemm(); // a CPU route: not on a GPU
    Key key = new Key(dir.toString(), device.device(), device.precision(), gemm, spec.maxLength());
    return CACHE.computeIfAbsent(key, k -> new Holder()).get(key, spec, dir);
  }

  /**
   * Logs the node's doctor lines once per executor, then, for {@code cuda:N}, checks that CUDA is
   * usable ({@link TorchRuntime#requireCuda}).
   *
   * @throws dev.modernbert.encoder.runtime.TorchCheck.TorchSetupException naming the cause and the
   *     fix (a CPU-only libtorch, the CPU JNI, no cudart, no GPU, another libtorch version)
   */
  static void checkDevice(DeviceSpec device) {
    if (NODE_LOGGED.compareAndSet(false, true)) {
      TorchDoctor.Report report = TorchDoctor.examine(device.toString());
      report.lines().forEach(line -> LOG.info("node: {}", line));
      if (!report.verdict().ok()) {
        LOG.warn("device {} cannot be used here: {}", device, report.verdict().message());
      }
    }
    if (device.isGpu()) {
      TorchRuntime.requireCuda(device.ordinal(), device.toString());
    }
  }

  private static final class Holder {
    private volatile SharedModel model;

    Acquired get(Key key, StageSpec spec, Path dir) {
      SharedModel m = model;
      if (m != null) {
        return new Acquired(m, false, 0);
      }
      synchronized (this) {
        if (model != null) {
          return new Acquired(model, false, 0);
        }
        long t0 = System.nanoTime();
        int threads = ExecutorThreads.resolve(spec.numThreads());
        EncoderOptions options =
            EncoderOptions.defaults()
                .withDevice(key.device())
                .withDtype(DtypeSpec.of(key.precision()))
                .withGemm(key.gemm())
                .withMaxLength(key.maxLength())
                .withNumThreads(threads);
        ModernBertEncoder encoder = ModernBertEncoder.load(dir, options);
        if (!encoder.hasTokenizer()) {
          encoder.close();
          throw new IllegalArgumentException(
              "modelPath " + spec.modelPath() + ": no tokenizer.json, so text cannot be tokenized");
        }
        SharedModel loaded =
            new SharedModel(encoder, new DeviceRunner(encoder, key.device().toString()));
        long nanos = System.nanoTime() - t0;
        LOG.info(
            "ModernBERT model {} loaded on {} {} in {} ms, libtorch intra-op threads: {}",
            dir,
            key.device(),
            key.precision().id(),
            nanos / 1_000_000,
            threads);
        model = loaded;
        return new Acquired(loaded, true, nanos);
      }
    }
  }
}
