package dev.modernbert.spark.ml;

import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.executor.EmbedSpec;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.TextEmbedder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The partition function of {@link ModernBertEmbedder}: reads the partition in windows of {@code
 * sortWindowRows} rows, tokenizes a window on the task thread and submits it to the executor's
 * runner, then tokenizes the next window while the runner computes the current one (so at most two
 * windows are held per task, whatever the partition size). Rows come out in input order with every
 * input column kept and the output (and error) column appended.
 */
final class EmbedRowsFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final EmbedSpec spec;
  private final int inputIndex;
  private final String inputCol;
  private final boolean vectorOutput;
  private final boolean errorColumn;
  private final EmbedMetrics metrics;
  private final Broadcast<HadoopConf> conf;

  EmbedRowsFunction(
      EmbedSpec spec,
      int inputIndex,
      String inputCol,
      boolean vectorOutput,
      boolean errorColumn,
      EmbedMetrics metrics,
      Broadcast<HadoopConf> conf) {
    this.spec = spec;
    this.inputIndex = inputIndex;
    this.inputCol = inputCol;
    this.vectorOutput = vectorOutput;
    this.errorColumn = errorColumn;
    this.metrics = metrics;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    TextEmbedder embedder = new TextEmbedder(spec, conf == null ? null : conf.value(), metrics);
    TaskContext ctx = TaskContext.get();
    int partition = ctx == null ? -1 : ctx.partitionId();
    return new Windowed(input, embedder, partition);
  }

  private final class Pending {
    final List<Row> rows;
    final long firstRow;
    final TextEmbedder.Window window;

    Pending(List<Row> rows, long firstRow, TextEmbedder.Window window) {
      this.rows = rows;
      this.firstRow = firstRow;
      this.window = window;
    }
  }

  private final class Windowed implements Iterator<Row> {
    private final Iterator<Row> input;
    private final TextEmbedder embedder;
    private final int partition;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Pending inFlight;
    private long consumed;

    Windowed(Iterator<Row> input, TextEmbedder embedder, int partition) {
      this.input = input;
      this.embedder = embedder;
      this.partition = partition;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty()) {
        if (inFlight == null) {
          if (!input.hasNext()) {
            return false;
          }
          inFlight = start();
        }
        Pending current = inFlight;
        inFlight = input.hasNext() ? start() : null; // overlaps with the runner's work on current
        finish(current);
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private Pending start() {
      List<Row> rows = new ArrayList<>(Math.min(spec.sortWindowRows(), 4096));
      List<String> texts = new ArrayList<>(rows.size());
      while (rows.size() < spec.sortWindowRows() && input.hasNext()) {
        Row r = input.next();
        rows.add(r);
        texts.add(r.isNullAt(inputIndex) ? null : r.getString(inputIndex));
      }
      long first = consumed;
      consumed += rows.size();
      return new Pending(rows, first, embedder.submit(texts));
    }

    private void finish(Pending p) {
      TextEmbedder.Outcome[] outcomes = embedder.await(p.window);
      for (int i = 0; i < outcomes.length; i++) {
        TextEmbedder.Outcome o = outcomes[i];
        if (o.error() != null && spec.failOnError()) {
          throw new RowEmbeddingException(
              "ModernBertEmbedder: cannot embed row "
                  + (p.firstRow + i)
                  + " of partition "
                  + partition
                  + " (column "
                  + inputCol
                  + "): "
                  + o.error()
                  + ". Set onError=null (and errorCol) to keep such rows as null.");
        }
        Row in = p.rows.get(i);
        int n = in.length();
        Object[] values = new Object[n + (errorColumn ? 2 : 1)];
        for (int c = 0; c < n; c++) {
          values[c] = in.get(c);
        }
        values[n] = toOutput(o.vector());
        if (errorColumn) {
          values[n + 1] = o.error();
        }
        ready.add(RowFactory.create(values));
      }
    }
  }

  private Object toOutput(float[] v) {
    if (v == null) {
      return null;
    }
    if (!vectorOutput) {
      return v;
    }
    double[] d = new double[v.length];
    for (int i = 0; i < v.length; i++) {
      d[i] = v[i];
    }
    return Vectors.dense(d);
  }

  /** A row that cannot be embedded under {@code onError=fail}. */
  static final class RowEmbeddingException extends RuntimeException {
    RowEmbeddingException(String message) {
      super(message);
    }
  }
}
