package dev.modernbert.spark.executor;

import java.io.Serializable;

/**
 * Everything an executor needs to embed text, resolved on the driver from the Transformer's Params
 * (or the UDF's options) and shipped with each task. Holds no model.
 *
 * @param modelPath local folder, Hadoop FileSystem URI, or {@code demo}
 * @param pooling {@code auto} (checkpoint's {@code 1_Pooling/config.json}, else cls), {@code cls}
 *     or {@code mean}
 * @param normalize L2-normalise each vector
 * @param maxLength tokens per text after truncation; 0 = the model's maximum
 * @param batchTokens padded-token budget per batch
 * @param maxBatchRows rows per batch at most
 * @param sortWindowRows rows a task gathers, tokenizes and submits together
 * @param device {@code auto}, {@code cpu}, {@code cuda} (or {@code cuda:N})
 * @param dtype {@code auto}, {@code float32}, {@code float16}
 * @param numThreads libtorch intra-op threads; 0 = the executor's cores
 * @param onError {@code fail} or {@code null}
 */
public record EmbedSpec(
    String modelPath,
    String pooling,
    boolean normalize,
    int maxLength,
    int batchTokens,
    int maxBatchRows,
    int sortWindowRows,
    String device,
    String dtype,
    int numThreads,
    String onError)
    implements Serializable {

  public boolean failOnError() {
    return "fail".equals(onError);
  }
}
