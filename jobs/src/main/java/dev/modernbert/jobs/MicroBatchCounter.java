package dev.modernbert.jobs;

import java.util.UUID;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Counts one query's micro-batches and input rows from its progress events (the listener bus
 * delivers them asynchronously: {@link #awaitBatch} waits for the last one).
 */
final class MicroBatchCounter extends StreamingQueryListener {
  private static final long serialVersionUID = 1L;

  private volatile UUID queryId;
  private long batches;
  private long inputRows;
  private long lastBatchId = -1;

  void watch(UUID id) {
    queryId = id;
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public synchronized void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress p = event.progress();
    if (queryId != null && !p.id().equals(queryId)) {
      return;
    }
    batches++;
    inputRows += p.numInputRows();
    lastBatchId = Math.max(lastBatchId, p.batchId());
    notifyAll();
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}

  /** Waits (up to {@code ms}) until the progress of micro-batch {@code batchId} has arrived. */
  synchronized void awaitBatch(long batchId, long ms) throws InterruptedException {
    long end = System.currentTimeMillis() + ms;
    while (lastBatchId < batchId && System.currentTimeMillis() < end) {
      wait(Math.max(1, end - System.currentTimeMillis()));
    }
  }

  synchronized long batches() {
    return batches;
  }

  synchronized long inputRows() {
    return inputRows;
  }
}
