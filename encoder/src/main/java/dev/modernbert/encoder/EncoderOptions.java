package dev.modernbert.encoder;

/**
 * How an encoder runs. Every field has a default that works on a CPU machine.
 *
 * @param device {@code cpu}, {@code cuda} or {@code cuda:N}
 * @param dtype {@code float32} or {@code float16}
 * @param maxLength tokens per text after truncation; 0 means the model's {@code
 *     max_position_embeddings}
 * @param batchTokens budget per batch, counted as {@code rows x longest} (the padded size)
 * @param maxBatchRows cap on rows per batch
 * @param numThreads libtorch intra-op threads; 0 leaves libtorch's default (all cores)
 */
public record EncoderOptions(
    String device, String dtype, int maxLength, int batchTokens, int maxBatchRows, int numThreads) {

  /**
   * 4,096 padded tokens: on a 2-core CPU, W1 ran at 631 tok/s with 4,096, 620 with 2,048 and 489
   * with 16,384 (larger batches leave the caches). GPUs want larger budgets (e.g. 32,768).
   */
  public static final int DEFAULT_BATCH_TOKENS = 4096;

  public static final int DEFAULT_MAX_BATCH_ROWS = 256;

  public static EncoderOptions defaults() {
    return new EncoderOptions("cpu", "float32", 0, DEFAULT_BATCH_TOKENS, DEFAULT_MAX_BATCH_ROWS, 0);
  }

  public EncoderOptions withDevice(String d) {
    return new EncoderOptions(d, dtype, maxLength, batchTokens, maxBatchRows, numThreads);
  }

  public EncoderOptions withDtype(String t) {
    return new EncoderOptions(device, t, maxLength, batchTokens, maxBatchRows, numThreads);
  }

  public EncoderOptions withMaxLength(int n) {
    return new EncoderOptions(device, dtype, n, batchTokens, maxBatchRows, numThreads);
  }

  public EncoderOptions withBatchTokens(int n) {
    return new EncoderOptions(device, dtype, maxLength, n, maxBatchRows, numThreads);
  }

  public EncoderOptions withMaxBatchRows(int n) {
    return new EncoderOptions(device, dtype, maxLength, batchTokens, n, numThreads);
  }

  public EncoderOptions withNumThreads(int n) {
    return new EncoderOptions(device, dtype, maxLength, batchTokens, maxBatchRows, n);
  }
}
