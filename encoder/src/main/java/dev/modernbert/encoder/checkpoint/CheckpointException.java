package dev.modernbert.encoder.checkpoint;

/**
 * A checkpoint folder, config or weight file that cannot be used. The message always names the file
 * or field at fault and, where there is one, the fix.
 */
public class CheckpointException extends RuntimeException {
  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
