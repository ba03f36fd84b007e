package dev.modernbert.encoder.bench;

import dev.modernbert.encoder.task.EncoderTask;
import dev.modernbert.encoder.task.TaskBatch;
import java.util.Collections;
import java.util.List;

/**
 * The bench's task: the forward pass alone, through the encoder's runner. Each batch reads one
 * value of its hidden states to the host ({@link BenchCommand#sync}), so the clock waits for the
 * device; nothing else comes back.
 */
record ForwardPass() implements EncoderTask<Void, Void> {
  @Override
  public String name() {
    return "forward";
  }

  @Override
  public List<Void> read(TaskBatch<Void> batch) {
    BenchCommand.sync(batch.hidden());
    return Collections.nCopies(batch.size(), null);
  }
}
