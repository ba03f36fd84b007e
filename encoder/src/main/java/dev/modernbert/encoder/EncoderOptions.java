package dev.modernbert.encoder;

import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;

/**
 * How an encoder runs. Every field has a default that works on a CPU machine. Device, dtype and
 * maxLength are fixed when the model loads; the batch settings are only the default {@link
 * #planner()} of calls that do not pass their own.
 *
 * @param device {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N}; what {@code auto} means
 *     is {@link DeviceSpec#resolve}'s
 * @param dtype {@code float32}, {@code float16}, {@code bfloat16} (CPU products in bf16, {@link
 *     dev.modernbert.encoder.runtime.Precision}) or {@code auto} (float16 on a GPU)
 * @param maxLength tokens per text after truncation; 0 means the model's {@code
 *     max_position_embeddings}
 * @param batchTokens budget per batch, counted as {@code rows x longest} (the padded size); the
 *     default 4,096 becomes 32,768 when the model loads on a GPU ({@link #forDevice})
 * @param maxBatchRows cap on rows per batch; the default 256 becomes 1,024 on a GPU
 * @param numThreads libtorch intra-op threads; 0 leaves libtorch's default (all cores)
 * @param gemm the CPU's matrix-product route: {@link GemmSpec#AUTO} (measured at load), {@link
 *     GemmSpec#DEFAULT} or {@link GemmSpec#ONEDNN}; ignored on a GPU
 */
public record EncoderOptions(
    DeviceSpec device,
    DtypeSpec dtype,
    int maxLength,
    int batchTokens,
    int maxBatchRows,
    int numThreads,
    GemmSpec gemm) {

  public static EncoderOptions defaults() {
    return new EncoderOptions(
        DeviceSpec.CPU,
        DtypeSpec.FLOAT32,
        0,
        BatchPlanner.DEFAULT_BATCH_TOKENS,
        BatchPlanner.DEFAULT_MAX_BATCH_ROWS,
        0,
        GemmSpec.AUTO);
  }

  /**
   * These options for a model on a GPU ({@code gpu}) or the CPU: the batch settings as {@link
   * BatchPlanner#forDevice} chooses them.
   */
  public EncoderOptions forDevice(boolean gpu) {
    if (!gpu) {
      return this;
    }
    BatchPlanner p = planner().forDevice(true);
    return new EncoderOptions(
        device, dtype, maxLength, p.batchTokens(), p.maxRows(), numThreads, gemm);
  }

  /** The batch planner of calls that do not give their own. */
  public BatchPlanner planner() {
    return new BatchPlanner(batchTokens, maxBatchRows);
  }

  public EncoderOptions withDevice(DeviceSpec d) {
    return new EncoderOptions(d, dtype, maxLength, batchTokens, maxBatchRows, numThreads, gemm);
  }

  public EncoderOptions withDtype(DtypeSpec t) {
    return new EncoderOptions(device, t, maxLength, batchTokens, maxBatchRows, numThreads, gemm);
  }

  public EncoderOptions withMaxLength(int n) {
    return new EncoderOptions(device, dtype, n, batchTokens, maxBatchRows, numThreads, gemm);
  }

  public EncoderOptions withBatchTokens(int n) {
    return new EncoderOptions(device, dtype, maxLength, n, maxBatchRows, numThreads, gemm);
  }

  public EncoderOptions withNumThreads(int n) {
    return new EncoderOptions(device, dtype, maxLength, batchTokens, maxBatchRows, n, gemm);
  }

  public EncoderOptions withGemm(GemmSpec g) {
    return new EncoderOptions(device, dtype, maxLength, batchTokens, maxBatchRows, numThreads, g);
  }
}
