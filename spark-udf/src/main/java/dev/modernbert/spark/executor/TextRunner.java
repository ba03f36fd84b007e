package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.tokenize.TokenizedText;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The task side of every stage and UDF: tokenizes a window of texts on the calling (task) thread,
 * checks the ids, submits the good ones to the executor's {@link DeviceRunner} with the {@link
 * RowHead}'s device head, and turns the answer into one {@link Outcome} per text. The model is
 * acquired from {@link ExecutorModels} on first use and bound to the head then (a checkpoint
 * without the head the stage needs fails the task there, with a message naming its head). Not
 * thread-safe: one per task (or per UDF instance).
 */
public final class TextRunner<R> {
  /** One text's result: a value, or nothing for a null text, or an error reason. */
  public record Outcome<R>(R value, String error) {}

  /** A submitted window: its texts' outcomes fill in when {@link #await} returns. */
  public final class Window {
    private final List<Outcome<R>> outcomes;
    private final int[] seqRow; // sequence index -> text index
    private final List<TokenizedText> tokens;
    private final List<String> texts;
    private final List<int[]> sequences;
    private final List<Object> args;
    private final CompletableFuture<DeviceRunner.Output<Object>> future;

    private Window(
        List<Outcome<R>> outcomes,
        int[] seqRow,
        List<TokenizedText> tokens,
        List<String> texts,
        List<int[]> sequences,
        List<Object> args) {
      this.outcomes = outcomes;
      this.seqRow = seqRow;
      this.tokens = tokens;
      this.texts = texts;
      this.sequences = sequences;
      this.args = args;
      this.future = submitToRunner(sequences, args);
    }

    public int size() {
      return outcomes.size();
    }
  }

  private final EmbedSpec spec;
  private final RowHead<R> head;
  private final HadoopConf conf;
  private final EmbedMetrics metrics;
  private SharedModel model;
  private RowHead.Bound<R> bound;

  public TextRunner(EmbedSpec spec, RowHead<R> head, HadoopConf conf, EmbedMetrics metrics) {
    this.spec = spec;
    this.head = head;
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
      bound = head.bind(a.model());
      model = a.model();
    }
    return model;
  }

  public ModernBertEncoder encoder() {
    return model().encoder();
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private CompletableFuture<DeviceRunner.Output<Object>> submitToRunner(
      List<int[]> sequences, List<Object> args) {
    DeviceHead device = bound.device();
    return (CompletableFuture) model().runner().submit(device, sequences, args);
  }

  /** Tokenizes {@code texts} here and queues them on the device runner. */
  public Window submit(List<String> texts) {
    ModernBertEncoder encoder = model().encoder();
    List<Outcome<R>> outcomes = new ArrayList<>(texts.size());
    List<int[]> seqs = new ArrayList<>(texts.size());
    List<TokenizedText> tokens = new ArrayList<>(texts.size());
    List<String> seqTexts = new ArrayList<>(texts.size());
    List<Object> args = new ArrayList<>(texts.size());
    int[] seqRow = new int[texts.size()];
    long nulls = 0;
    long truncated = 0;
    long errors = 0;
    long tokenCount = 0;
    for (int i = 0; i < texts.size(); i++) {
      String text = texts.get(i);
      outcomes.add(null);
      if (text == null) {
        outcomes.set(i, new Outcome<>(null, null));
        nulls++;
        continue;
      }
      String problem;
      TokenizedText t = null;
      try {
        t = encoder.tokenize(text);
        if (t.truncated()) {
          truncated++;
        }
        problem = encoder.checkIds(t.ids());
      } catch (RuntimeException e) {
        problem = "tokenization failed: " + e;
      }
      if (problem != null) {
        outcomes.set(i, new Outcome<>(null, problem));
        errors++;
        continue;
      }
      seqRow[seqs.size()] = i;
      seqs.add(t.ids());
      tokens.add(t);
      seqTexts.add(text);
      args.add(bound.argument(t));
      tokenCount += t.ids().length;
    }
    if (metrics != null) {
      metrics.rows.add(texts.size());
      metrics.nullRows.add(nulls);
      metrics.truncatedRows.add(truncated);
      metrics.errorRows.add(errors);
      metrics.realTokens.add(tokenCount);
    }
    return new Window(outcomes, seqRow, tokens, seqTexts, seqs, args);
  }

  /**
   * Waits for a window. If the device run fails, its sequences are run one at a time so that only
   * the rows that really fail get an error (the others still get their results).
   */
  public List<Outcome<R>> await(Window w) {
    try {
      DeviceRunner.Output<Object> r = get(w.future);
      record(r);
      for (int s = 0; s < w.sequences.size(); s++) {
        w.outcomes.set(w.seqRow[s], finish(w, s, r.values().get(s)));
      }
    } catch (ExecutionException batchFailure) {
      for (int s = 0; s < w.sequences.size(); s++) {
        try {
          DeviceRunner.Output<Object> r =
              get(submitToRunner(List.of(w.sequences.get(s)), nullableList(w.args.get(s))));
          record(r);
          w.outcomes.set(w.seqRow[s], finish(w, s, r.values().get(0)));
        } catch (ExecutionException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          w.outcomes.set(w.seqRow[s], new Outcome<>(null, "inference failed: " + cause));
          if (metrics != null) {
            metrics.errorRows.add(1);
          }
        }
      }
    }
    return w.outcomes;
  }

  private Outcome<R> finish(Window w, int s, Object value) {
    return new Outcome<>(bound.result(value, w.tokens.get(s), w.texts.get(s)), null);
  }

  private static List<Object> nullableList(Object o) {
    List<Object> l = new ArrayList<>(1);
    l.add(o);
    return l;
  }

  /** {@link #submit} then {@link #await}. */
  public List<Outcome<R>> run(List<String> texts) {
    return await(submit(texts));
  }

  private void record(DeviceRunner.Output<?> r) {
    if (metrics != null) {
      metrics.batches.add(r.batches());
      metrics.paddedTokens.add(r.paddedTokens());
      metrics.inferenceMs.add(r.computeNanos() / 1e6);
    }
  }

  private static DeviceRunner.Output<Object> get(CompletableFuture<DeviceRunner.Output<Object>> f)
      throws ExecutionException {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the model", e);
    }
  }
}
