package dev.modernbert.spark.executor;

import static dev.modernbert.spark.testing.SparkTesting.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.spark.testing.SparkTesting;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class DeviceRunnerTest {
  @Test
  void concurrentSubmissionsEqualSingleTaskResults() throws Exception {
    EmbedSpec spec =
        new EmbedSpec("demo", "mean", false, 0, 2048, 64, 64, "cpu", "auto", 0, "fail");
    ExecutorModels.Acquired a = ExecutorModels.acquire(spec, null, List.of());
    ModernBertEncoder encoder = a.model().encoder();
    List<List<int[]>> perTask = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      List<int[]> seqs = new ArrayList<>();
      for (String s : SparkTesting.texts(40, 50, 100 + t)) {
        seqs.add(encoder.tokenize(s).ids());
      }
      perTask.add(seqs);
    }
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<DeviceRunner.Result>> futures = new ArrayList<>();
      for (List<int[]> seqs : perTask) {
        futures.add(
            pool.submit(
                () -> {
                  CompletableFuture<DeviceRunner.Result> f =
                      a.model().runner().submit(seqs, Pooling.MEAN, false);
                  return f.get();
                }));
      }
      long batches = 0;
      for (int t = 0; t < perTask.size(); t++) {
        DeviceRunner.Result r = futures.get(t).get();
        batches += r.batches();
        List<float[]> alone = encoder.embed(perTask.get(t), Pooling.MEAN, false);
        assertEquals(alone.size(), r.vectors().size());
        for (int i = 0; i < alone.size(); i++) {
          assertClose(alone.get(i), r.vectors().get(i), 1e-5, "task " + t + " row " + i);
        }
      }
      assertTrue(batches > 0);
    } finally {
      pool.shutdownNow();
    }
  }
}
