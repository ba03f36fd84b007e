package dev.modernbert.spark.executor;

import dev.modernbert.encoder.batch.BatchPlanner;
import dev.modernbert.encoder.runtime.DeviceSpec;
import dev.modernbert.encoder.runtime.DtypeSpec;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.source.ModelSource;
import java.io.Serializable;

/**
 * What every stage and UDF needs on the executors besides its task, resolved on the driver from the
 * Params (or the UDF's options) and shipped with each task. Holds no model.
 *
 * @param model local folder, Hadoop FileSystem URI, {@code demo}, or a Hugging Face Hub id pinned
 *     on the driver to {@code hf://org/name@<commit>}
 * @param maxLength tokens per text after truncation; 0 = the model's maximum
 * @param batchTokens padded-token budget per batch
 * @param maxBatchRows rows per batch at most
 * @param sortWindowRows rows a task gathers, tokenizes and submits together
 * @param device as asked for; made concrete on the executor ({@link DeviceResolver})
 * @param dtype as asked for
 * @param gemm the CPU's matrix-product route, as asked for
 * @param numThreads libtorch intra-op threads; 0 = the executor's cores
 * @param onError {@code fail} or {@code null}
 */
public record StageSpec(
    ModelSource model,
    int maxLength,
    int batchTokens,
    int maxBatchRows,
    int sortWindowRows,
    DeviceSpec device,
    DtypeSpec dtype,
    GemmSpec gemm,
    int numThreads,
    String onError)
    implements Serializable {

  /** The model as the user gave it (a Hub id as pinned), for messages. */
  public String modelPath() {
    return model.spec();
  }

  public boolean failOnError() {
    return "fail".equals(onError);
  }

  /** How this stage's rows are cut into batches (not part of the loaded model's identity). */
  public BatchPlanner planner() {
    return new BatchPlanner(batchTokens, maxBatchRows);
  }
}
