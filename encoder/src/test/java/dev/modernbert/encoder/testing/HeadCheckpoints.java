package dev.modernbert.encoder.testing;

import dev.modernbert.encoder.demo.TinyHeadCheckpoint;
import dev.modernbert.encoder.weights.HeadKind;
import java.nio.file.Path;
import java.util.List;

/** Tiny classifier checkpoints for the tests: see {@link TinyHeadCheckpoint}. */
public final class HeadCheckpoints {
  private HeadCheckpoints() {}

  /** {@link TinyHeadCheckpoint#write}. */
  public static Path write(
      Path dir,
      HeadKind head,
      List<String> labels,
      String problemType,
      float[] forcedBias,
      long seed) {
    return TinyHeadCheckpoint.write(dir, head, labels, problemType, forcedBias, seed);
  }
}
