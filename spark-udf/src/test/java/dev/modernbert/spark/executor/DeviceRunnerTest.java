package dev.modernbert.spark.executor;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.spark.testing.SparkTesting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeviceRunnerTest {
  private static final Embed MEAN = new Embed(Pooling.MEAN, false);
  private static final BatchPlanner PLANNER = new BatchPlanner(2048, 64);

  private static StageSpec spec(String model) {
    return new StageSpec(
        ModelSource.parse(model),
        0,
        2048,
        64,
        64,
        DeviceSpec.CPU,
        DtypeSpec.AUTO,
        "auto",
        0,
        "fail");
  }

  /** A model no other test has loaded, with its own runner. */
  private static SharedModel freshModel(Path tmp) {
    return ExecutorModels.acquire(spec(SparkTesting.demoCopy(tmp).toString()), null, List.of())
        .model();
  }

  private static CompletableFuture<DeviceRunner.Result<float[]>> submit(
      SharedModel model, List<int[]> seqs) {
    return model.runner().submit(MEAN, PLANNER, seqs, Collections.nCopies(seqs.size(), null));
  }

  private static List<int[]> ids(ModernBertEncoder encoder, int count, int seed) {
    List<int[]> seqs = new ArrayList<>();
    for (String s : SparkTesting.texts(count, 50, seed)) {
      seqs.add(encoder.tokenize(s).ids());
    }
    return seqs;
  }

  @Test
  void queuedRequestsShareBatchesAndEqualSingleTaskResults(@TempDir Path tmp) throws Exception {
    SharedModel model = freshModel(tmp);
    ModernBertEncoder encoder = model.encoder();
    // A long first request keeps the worker busy while six more queue up behind it: the worker
    // then takes all six at once and runs them as one group.
    List<int[]> blocker = ids(encoder, 400, 99);
    List<List<int[]>> perTask = new ArrayList<>();
    for (int t = 0; t < 6; t++) {
      perTask.add(ids(encoder, 40, 100 + t));
    }
    CompletableFuture<DeviceRunner.Result<float[]>> first = submit(model, blocker);
    List<CompletableFuture<DeviceRunner.Result<float[]>>> futures = new ArrayList<>();
    for (List<int[]> seqs : perTask) {
      futures.add(submit(model, seqs));
    }
    first.get();
    long batches = 0;
    int maxShared = 0;
    for (int t = 0; t < perTask.size(); t++) {
      DeviceRunner.Result<float[]> r = futures.get(t).get();
      batches += r.stats().batches();
      maxShared = Math.max(maxShared, r.requestsInGroup());
      List<float[]> alone = encoder.embed(perTask.get(t), Pooling.MEAN, false);
      assertEquals(alone.size(), r.outcomes().size());
      for (int i = 0; i < alone.size(); i++) {
        assertClose(alone.get(i), r.outcomes().get(i).value(), 1e-5, "task " + t + " row " + i);
      }
    }
    assertTrue(maxShared >= 2, "the queued requests ran as one group: " + maxShared);
    // 240 sequences of up to ~52 tokens in a 2048-token budget: shared batches need far fewer
    // forward passes than six requests run on their own would
    long alone = 0;
    for (List<int[]> seqs : perTask) {
      alone += encoder.run(MEAN, seqs, null, PLANNER).stats().batches();
    }
    assertTrue(batches < alone, "shared " + batches + " batches vs " + alone + " alone");
  }

  @Test
  void aFailingSequenceIsIsolatedFromTheRestOfItsBatch(@TempDir Path tmp) throws Exception {
    SharedModel model = freshModel(tmp);
    ModernBertEncoder encoder = model.encoder();
    List<int[]> seqs = ids(encoder, 9, 7);
    int vocab = encoder.config().vocabSize();
    seqs.set(5, new int[] {seqs.get(5)[0], vocab + 7, seqs.get(5)[1]}); // outside the vocabulary
    DeviceRunner.Result<float[]> r = submit(model, seqs).get();
    for (int i = 0; i < seqs.size(); i++) {
      Outcome<float[]> o = r.outcomes().get(i);
      if (i == 5) {
        assertTrue(o.failed() && o.error().startsWith("inference failed: "), o.toString());
      } else {
        assertClose(
            encoder.embed(List.of(seqs.get(i)), Pooling.MEAN, false).get(0),
            o.value(),
            1e-5,
            "row " + i);
      }
    }
    assertEquals(seqs.size(), r.outcomes().size());
  }
}
