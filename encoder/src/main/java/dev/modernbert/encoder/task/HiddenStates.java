package dev.modernbert.encoder.task;

import java.util.List;

/** {@code last_hidden_state}: {@code [length][hidden]} per sequence. */
public record HiddenStates() implements EncoderTask<Void, float[][]> {
  @Override
  public String name() {
    return "encode";
  }

  @Override
  public List<float[][]> read(TaskBatch<Void> batch) {
    return batch.perSequence(batch.hidden());
  }
}
