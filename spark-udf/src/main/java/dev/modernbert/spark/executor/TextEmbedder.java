package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.pool.Pooling;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The task side of embedding, shared by the Transformer and the UDFs: tokenizes a window of texts
 * on the calling (task) thread, checks the ids, submits the good ones to the executor's {@link
 * DeviceRunner}, and turns the answer into one {@link Outcome} per text. The model is acquired from
 * {@link ExecutorModels} on first use. Not thread-safe: one per task (or per UDF instance).
 */
public final class TextEmbedder {
  /** One text's result: a vector, or nothing for a null text, or an error reason. */
  public record Outcome(float[] vector, String error) {
    static final Outcome NULL = new Outcome(null, null);
  }

  /** A submitted window: its texts' outcomes fill in when {@link #await} returns. */
  public final class Window {
    private final Outcome[] outcomes;
    private final int[] seqRow; // sequence index -> text index
    private final List<int[]> sequences;
    private final CompletableFuture<DeviceRunner.Result> future;

    private Window(Outcome[] outcomes, int[] seqRow, List<int[]> sequences) {
      this.outcomes = outcomes;
      this.seqRow = seqRow;
      this.sequences = sequences;
      this.future = model().runner().submit(sequences, pooling, spec.normalize());
    }

    public int size() {
      return outcomes.length;
    }
  }

  private final EmbedSpec spec;
  private final HadoopConf conf;
  private final EmbedMetrics metrics;
  private SharedModel model;
  private Pooling pooling;

  public TextEmbedder(EmbedSpec spec, HadoopConf conf, EmbedMetrics metrics) {
    this.spec = spec;
    this.conf = conf;
    this.metrics = metrics;
  }

  private SharedModel model() {
    if (model == null) {
      ExecutorModels.Acquired a = ExecutorModels.acquire(spec, conf);
      if (a.loadedNow() && metrics != null) {
        metrics.modelLoads.add(1);
        metrics.modelLoadMs.add(a.loadNanos() / 1e6);
      }
      model = a.model();
      pooling = model.pooling(spec.pooling());
    }
    return model;
  }

  public ModernBertEncoder encoder() {
    return model().encoder();
  }

  /** Tokenizes {@code texts} here and queues them on the device runner. */
  public Window submit(List<String> texts) {
    ModernBertEncoder encoder = model().encoder();
    Outcome[] outcomes = new Outcome[texts.size()];
    List<int[]> seqs = new ArrayList<>(texts.size());
    int[] seqRow = new int[texts.size()];
    long nulls = 0;
    long truncated = 0;
    long errors = 0;
    long tokens = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      if (text == null) {
        outcomes[i] = Outcome.NULL;
        nulls++;
        continue;
      }
      String problem;
      int[] ids = null;
      try {
        TokenizedText t = encoder.tokenize(text);
        ids = t.ids();
        if (t.truncated()) {
          truncated++;
        }
        problem = encoder.checkIds(ids);
      } catch (RuntimeException e) {
        problem = "tokenization failed: " + e;
      }
      if (problem != null) {
        outcomes[i] = new Outcome(null, problem);
        errors++;
        continue;
      }
      seqRow[seqs.size()] = i;
      seqs.add(ids);
      tokens += ids.length;
    }
    if (metrics != null) {
      metrics.rows.add(texts.size());
      metrics.nullRows.add(nulls);
      metrics.truncatedRows.add(truncated);
      metrics.errorRows.add(errors);
      metrics.realTokens.add(tokens);
    }
    return new Window(outcomes, seqRow, seqs);
  }

  /**
   * Waits for a window. If the device run fails, its sequences are run one at a time so that only
   * the rows that really fail get an error (the others still get their vectors).
   */
  public Outcome[] await(Window w) {
    try {
      DeviceRunner.Result r = get(w.future);
      record(r);
      for (int s = 0; s < w.sequences.size(); s++) {
        w.outcomes[w.seqRow[s]] = new Outcome(r.vectors().get(s), null);
      }
    } catch (ExecutionException batchFailure) {
      for (int s = 0; s < w.sequences.size(); s++) {
        try {
          DeviceRunner.Result r =
              get(model().runner().submit(List.of(w.sequences.get(s)), pooling, spec.normalize()));
          record(r);
          w.outcomes[w.seqRow[s]] = new Outcome(r.vectors().get(0), null);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          w.outcomes[w.seqRow[s]] = new Outcome(null, "inference failed: " + cause);
          if (metrics != null) {
            metrics.errorRows.add(1);
          }
        }
      }
    }
    return w.outcomes;
  }

  /** {@link #submit} then {@link #await}. */
  public Outcome[] embed(List<String> texts) {
    return await(submit(texts));
  }

  private void record(DeviceRunner.Result r) {
    if (metrics != null) {
      metrics.batches.add(r.batches());
      metrics.paddedTokens.add(r.paddedTokens());
      metrics.inferenceMs.add(r.computeNanos() / 1e6);
    }
  }

  private static DeviceRunner.Result get(CompletableFuture<DeviceRunner.Result> f)
      throws ExecutionException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the model", e);
    }
  }
}
