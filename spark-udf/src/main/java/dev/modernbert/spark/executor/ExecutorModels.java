package dev.modernbert.spark.executor;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.ModernBertEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The executor's model cache: one {@link SharedModel} per (model files, device, dtype, maxLength)
 * per JVM, loaded by the first task that needs it and shared by every later task, whatever its
 * batch settings (those are per request). Models live as long as the executor.
 */
public final class ExecutorModels {
  /** What identifies a loaded model: what changes its outputs (maxLength: where texts are cut). */
  public record Key(String modelDir, String device, String dtype, int maxLength) {}

  /** A model and whether this call loaded it (and how long that took). */
  public record Acquired(SharedModel model, boolean loadedNow, long loadNanos) {}

  private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
  private static final Map<Key, Holder> CACHE = new ConcurrentHashMap<>();

  private ExecutorModels() {}

  /** The model for a task: resolves device (from the task's resources) and files, then caches. */
  public static Acquired acquire(StageSpec spec, HadoopConf conf) {
    return acquire(spec, conf, DeviceResolver.taskGpus());
  }

  public static Acquired acquire(StageSpec spec, HadoopConf conf, List<String> taskGpus) {
    ResolvedDevice device = DeviceResolver.resolve(spec.device(), spec.dtype(), taskGpus);
    Path dir = ModelFiles.localize(spec.modelPath(), conf);
    Key key = new Key(dir.toString(), device.device(), device.dtype(), spec.maxLength());
    return CACHE.computeIfAbsent(key, k -> new Holder()).get(key, spec, dir);
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
                .withDtype(key.dtype())
                .withMaxLength(key.maxLength())
                .withNumThreads(threads);
        ModernBertEncoder encoder = ModernBertEncoder.load(dir, options);
        if (!encoder.hasTokenizer()) {
          encoder.close();
          throw new IllegalArgumentException(
              "modelPath " + spec.modelPath() + ": no tokenizer.json, so text cannot be tokenized");
        }
        SharedModel loaded = new SharedModel(encoder, new DeviceRunner(encoder, key.device()));
        long nanos = System.nanoTime() - t0;
        LOG.info(
            "ModernBERT model {} loaded on {} {} in {} ms, libtorch intra-op threads: {}",
            dir,
            key.device(),
            key.dtype(),
            nanos / 1_000_000,
            threads);
        model = loaded;
        return new Acquired(loaded, true, nanos);
      }
    }
  }
}
