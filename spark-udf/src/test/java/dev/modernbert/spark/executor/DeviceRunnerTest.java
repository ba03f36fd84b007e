package dev.modernbert.spark.executor;

import static dev.modernbert.encoder.testing.Assertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.longtext.Aggregate;
import dev.modernbert.encoder.longtext.ChunkEmbedding;
import dev.modernbert.encoder.longtext.LongTextEmbed;
import dev.modernbert.encoder.longtext.LongTextMode;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.encoder.task.Embed;
import dev.modernbert.encoder.task.LoadedModel;
import dev.modernbert.encoder.task.Outcome;
import dev.modernbert.encoder.task.TextPlan;
import dev.modernbert.encoder.task.TextPlans;
import dev.modernbert.encoder.task.TextTask;
import dev.modernbert.spark.testing.SparkTesting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
        GemmSpec.AUTO,
        0,
        "fail");
  }

  /** A model no other test has loaded, with its own runner. */
  private static SharedModel freshModel(Path tmp) {
    return ExecutorModels.acquire(spec(SparkTesting.demoCopy(tmp).toString()), null, List.of())
        .model();
  }

  /** One single-sequence plan per sequence, submitted as one group. */
  private static CompletableFuture<DeviceRunner.Result<float[]>> submit(
      SharedModel model, List<int[]> seqs) {
    TextPlans<float[]> plans = new TextPlans<>();
    for (int i = 0; i < seqs.size(); i++) {
      plans.add(i, TextPlan.single(MEAN, seqs.get(i), false, null));
    }
    return model.runner().submit(plans.groups().get(0), PLANNER);
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

  @Test
  void lateChunkingCombinesOnTheDeviceThread(@TempDir Path tmp) {
    // late mode's combine runs libtorch (the modules after Pooling on the span means): it must run
    // on the device thread, never on the task thread that planned the texts
    LongTextEmbed late = new LongTextEmbed(MEAN, LongTextMode.LATE, 16, 4, 10, Aggregate.NONE);
    StageSpec spec = spec(SparkTesting.demoCopy(tmp).toString());
    Set<String> threads = ConcurrentHashMap.newKeySet();
    TextRunner<List<ChunkEmbedding>> runner =
        new TextRunner<>(spec, new CombineThreads<>(late, threads), null, null);
    List<String> texts = SparkTesting.texts(6, 120, 5);
    List<Outcome<List<ChunkEmbedding>>> got = runner.run(texts);

    assertEquals(1, threads.size(), threads.toString());
    assertTrue(
        threads.iterator().next().startsWith(DeviceRunner.THREAD_PREFIX), threads.toString());
    assertFalse(threads.contains(Thread.currentThread().getName()));
    ModernBertEncoder encoder = ExecutorModels.acquire(spec, null).model().encoder();
    List<List<ChunkEmbedding>> want = encoder.runTexts(late, texts, PLANNER).values();
    for (int t = 0; t < texts.size(); t++) {
      List<ChunkEmbedding> chunks = got.get(t).value();
      assertTrue(chunks.size() > 1, "text " + t + " was cut into spans: " + chunks.size());
      assertEquals(want.get(t).size(), chunks.size());
      for (int c = 0; c < chunks.size(); c++) {
        assertClose(want.get(t).get(c).embedding(), chunks.get(c).embedding(), 1e-5, t + "/" + c);
      }
    }
  }

  /** A text task that records the threads its plans combine on. */
  private record CombineThreads<V>(TextTask<V> inner, Set<String> threads) implements TextTask<V> {
    @Override
    public String name() {
      return inner.name();
    }

    @Override
    public String problemWith(LoadedModel model) {
      return inner.problemWith(model);
    }

    @Override
    public TextPlan<?, ?, V> plan(LoadedModel model, String text) {
      return recorded(inner.plan(model, text));
    }

    private <A, W> TextPlan<A, W, V> recorded(TextPlan<A, W, V> p) {
      return new TextPlan<>(
          p.task(),
          p.ids(),
          p.args(),
          p.truncated(),
          p.chunks(),
          values -> {
            threads.add(Thread.currentThread().getName());
            return p.combine(values);
          });
    }
  }
}
