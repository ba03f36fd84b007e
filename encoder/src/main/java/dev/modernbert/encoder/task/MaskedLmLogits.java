package dev.modernbert.encoder.task;

import dev.modernbert.encoder.weights.HeadKind;
import java.util.ArrayList;
import java.util.List;

/**
 * MLM logits {@code [positions][vocab]} at the positions each sequence gives (its argument), read
 * back as float32 whatever the compute dtype. Only the given rows go through the head.
 */
public record MaskedLmLogits() implements EncoderTask<int[], float[][]> {
  @Override
  public String name() {
    return "fill-mask";
  }

  @Override
  public HeadKind requiredHead() {
    return HeadKind.MASKED_LM;
  }

  @Override
  public List<float[][]> read(TaskBatch<int[]> batch) {
    List<int[]> positions = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      positions.add(batch.arg(i));
    }
    return logitsAt(batch, positions);
  }

  /** The MLM logits at {@code positions.get(b)} of each sequence {@code b} of the batch. */
  static List<float[][]> logitsAt(TaskBatch<?> batch, List<int[]> positions) {
    boolean none = positions.stream().allMatch(p -> p.length == 0);
    List<float[]> rows =
        none
            ? List.of()
            : TaskBatch.rows(batch.model().maskedLmLogits(batch.rowsAt(batch.hidden(), positions)));
    return TaskBatch.regroup(rows, positions);
  }
}
