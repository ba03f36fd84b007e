package dev.modernbert.spark.ml;

import dev.modernbert.encoder.task.Outcome;
import dev.modernbert.spark.executor.HadoopConf;
import dev.modernbert.spark.executor.RowPolicy;
import dev.modernbert.spark.executor.StageMetrics;
import dev.modernbert.spark.executor.StageSpec;
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
 * input column kept and the stage's output columns (then the error column) appended; a stage that
 * explodes (chunks of long texts) gives each input row's output rows one after the other.
 */
final class StageRowsFunction<V> implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  private final StageSpec spec;
  private final StageOutput<V> output;
  private final RowPolicy policy;
  private final int inputIndex;
  private final String inputCol;
  private final boolean errorColumn;
  private final StageMetrics metrics;
  private final Broadcast<HadoopConf> conf;

  StageRowsFunction(
      String stage,
      StageSpec spec,
      StageOutput<V> output,
      int inputIndex,
      String inputCol,
      boolean errorColumn,
      StageMetrics metrics,
      Broadcast<HadoopConf> conf) {
    this.spec = spec;
    this.output = output;
    this.policy = RowPolicy.forStage(stage, output.task().name(), spec.failOnError());
    this.inputIndex = inputIndex;
    this.inputCol = inputCol;
    this.errorColumn = errorColumn;
    this.metrics = metrics;
    this.conf = conf;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> input) {
    TextRunner<V> runner =
        new TextRunner<>(spec, output.task(), conf == null ? null : conf.value(), metrics);
    TaskContext ctx = TaskContext.get();
    int partition = ctx == null ? -1 : ctx.partitionId();
    return new Windowed(input, runner, partition);
  }

  private final class Pending {
    final List<Row> rows;
    final long firstRow;
    final TextRunner.Window<V> window;

    Pending(List<Row> rows, long firstRow, TextRunner.Window<V> window) {
      this.rows = rows;
      this.firstRow = firstRow;
      this.window = window;
    }
  }

  private final class Windowed implements Iterator<Row> {
    private final Iterator<Row> input;
    private final TextRunner<V> runner;
    private final int partition;
    private final ArrayDeque<Row> ready = new ArrayDeque<>();
    private Pending inFlight;
    private long consumed;

    Windowed(Iterator<Row> input, TextRunner<V> runner, int partition) {
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
      int capacity = Math.min(spec.sortWindowRows(), 4096);
      List<Row> rows = new ArrayList<>(capacity);
      List<String> texts = new ArrayList<>(capacity);
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
      List<Outcome<V>> outcomes = runner.await(p.window);
      int outputs = output.columns().size();
      for (int i = 0; i < outcomes.size(); i++) {
        Outcome<V> o = outcomes.get(i);
        long row = p.firstRow + i;
        V value =
            policy.valueOf(
                o,
                () -> "row " + row + " of partition " + partition + " (column " + inputCol + ")");
        Row in = p.rows.get(i);
        List<Object[]> outputRows =
            value == null ? List.<Object[]>of(new Object[outputs]) : output.rows().of(value);
        for (Object[] out : outputRows) {
          int n = in.length();
          Object[] values = new Object[n + outputs + (errorColumn ? 1 : 0)];
          for (int c = 0; c < n; c++) {
            values[c] = in.get(c);
          }
          System.arraycopy(out, 0, values, n, outputs);
          if (errorColumn) {
            values[n + outputs] = o.error();
          }
          ready.add(RowFactory.create(values));
        }
      }
    }
  }
}
