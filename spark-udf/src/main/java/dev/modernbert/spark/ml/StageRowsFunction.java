package dev.modernbert.spark.ml;

import dev.modernbert.spark.executor.EmbedMetrics;
import dev.modernbert.spark.executor.EmbedSpec;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.TextRunner;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The partition function of every {@link ModernBertStage}: reads the partition in windows of {@code
 * sortWindowRows} rows, tokenizes a window on the task thread and submits it to the executor's
 * runner, then tokenizes the next window while the runner computes the current one (so at most two
 * windows are held per task, whatever the partition size). Rows come out in input order with every
 * input column kept and the stage's output columns (then the error column) appended.
 */
final class StageRowsFunction<R> implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final String stage;
  private final EmbedSpec spec;
  private final StageHead<R> head;
  private final int inputIndex;
  private final String inputCol;
  private final boolean errorColumn;
  private final EmbedMetrics metrics;
  private final Broadcast<HadoopConf> conf;

  StageRowsFunction(
      String stage,
      EmbedSpec spec,
      StageHead<R> head,
      int inputIndex,
      String inputCol,
      boolean errorColumn,
      EmbedMetrics metrics,
      Broadcast<HadoopConf> conf) {
    this.stage = stage;
    this.spec = spec;
    this.head = head;
    this.inputIndex = inputIndex;
    this.inputCol = inputCol;
    this.errorColumn = errorColumn;
    this.metrics = metrics;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    TextRunner<R> runner =
        new TextRunner<>(spec, head.rowHead(), conf == null ? null : conf.value(), metrics);
    TaskContext ctx = TaskContext.get();
    int partition = ctx == null ? -1 : ctx.partitionId();
    return new Windowed(input, runner, partition);
  }

  private final class Pending {
    final List<Row> rows;
    final long firstRow;
    final TextRunner<R>.Window window;

    Pending(List<Row> rows, long firstRow, TextRunner<R>.Window window) {
      this.rows = rows;
      this.firstRow = firstRow;
      this.window = window;
    }
  }

  private final class Windowed implements Iterator<Row> {
    private final Iterator<Row> input;
    private final TextRunner<R> runner;
    private final int partition;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Pending inFlight;
    private long consumed;

    Windowed(Iterator<Row> input, TextRunner<R> runner, int partition) {
      this.input = input;
      this.runner = runner;
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
      return new Pending(rows, first, runner.submit(texts));
    }

    private void finish(Pending p) {
      List<TextRunner.Outcome<R>> outcomes = runner.await(p.window);
      int outputs = head.fields().size();
      for (int i = 0; i < outcomes.size(); i++) {
        TextRunner.Outcome<R> o = outcomes.get(i);
        if (o.error() != null && spec.failOnError()) {
          throw new RowFailureException(
              stage
                  + ": cannot "
                  + head.rowHead().task()
                  + " row "
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
        Object[] values = new Object[n + outputs + (errorColumn ? 1 : 0)];
        for (int c = 0; c < n; c++) {
          values[c] = in.get(c);
        }
        if (o.value() != null) {
          Object[] cols = head.columns().of(o.value());
          System.arraycopy(cols, 0, values, n, outputs);
        }
        if (errorColumn) {
          values[n + outputs] = o.error();
        }
        ready.add(RowFactory.create(values));
      }
    }
  }

  /** A row that cannot be processed under {@code onError=fail}. */
  static final class RowFailureException extends RuntimeException {
    RowFailureException(String message) {
      super(message);
    }
  }
}
