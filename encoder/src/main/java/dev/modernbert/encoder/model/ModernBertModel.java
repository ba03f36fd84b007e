package dev.modernbert.encoder.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ModernBERT: embeddings, the stack of pre-norm layers (global and sliding-window attention
 * alternating), the final norm, and the task head the checkpoint carries. Works on the 2-D hidden
 * tensor {@code [rows, hidden]} of a {@link BatchTensors}, so embeddings, projections, norms and
 * the MLP see real tokens only when the batch is packed.
 */
public final class ModernBertModel implements AutoCloseable {
  private final ModernBertConfig config;
  private final NDManager manager;
  private final DataType dtype;
  private final HeadKind headKind;
  private final Embeddings embeddings;
  private final List<EncoderLayer> layers = new ArrayList<>();
  private final LayerNorm finalNorm;
  private final PredictionHead head;
  private final Linear decoder;
  private final Linear classifier;

  private ModernBertModel(ModernBertConfig config, NDManager manager, DataType dtype, Weights w) {
    this.config = config;
    this.manager = manager;
    this.dtype = dtype;
    this.headKind = w.head();
    this.embeddings = new Embeddings(w.scope("embeddings"), config);
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      layers.add(new EncoderLayer(w.scope("layers." + l), config, l));
    }
    this.finalNorm = new LayerNorm(w.scope("final_norm"), config.normEps());
    this.head = headKind == HeadKind.NONE ? null : new PredictionHead(w.scope("head"), config);
    this.decoder = headKind == HeadKind.MASKED_LM ? new Linear(w.scope("decoder")) : null;
    this.classifier = headKind.hasClassifier() ? new Linear(w.scope("classifier")) : null;
  }

  /** Loads a checkpoint folder's weights onto {@code device} as {@code dtype}. */
  public static ModernBertModel load(
      Path dir, ModernBertConfig config, Device device, DataType dtype) {
    NDManager manager = TorchRuntime.engine().newBaseManager(device);
    try {
      return new ModernBertModel(config, manager, dtype, Weights.load(dir, config, manager, dtype));
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A model with random weights (HF's init scales): for benchmarks. */
  public static ModernBertModel random(
      ModernBertConfig config, HeadKind head, Device device, DataType dtype) {
    NDManager manager = TorchRuntime.engine().newBaseManager(device);
    return new ModernBertModel(
        config, manager, dtype, Weights.random(config, head, manager, dtype));
  }

  public ModernBertConfig config() {
    return config;
  }

  public HeadKind headKind() {
    return headKind;
  }

  public Device device() {
    return manager.getDevice();
  }

  public DataType dtype() {
    return dtype;
  }

  /** Uploads a batch; close the result when the batch is done. */
  public BatchTensors newBatch(List<int[]> sequences, BatchLayout layout) {
    return new BatchTensors(manager, layout, sequences, config.padTokenId(), dtype);
  }

  /** {@code last_hidden_state} as {@code [rows, hidden]}, owned by the batch. */
  public NDArray forward(BatchTensors batch, AttentionKernel kernel) {
    return run(batch, kernel, null);
  }

  /**
   * HF's {@code output_hidden_states}: the embeddings output, then the residual stream after each
   * layer (before {@code final_norm}); {@code num_hidden_layers + 1} arrays of {@code [rows,
   * hidden]}. For finding the first layer where outputs diverge.
   */
  public List<NDArray> hiddenStates(BatchTensors batch, AttentionKernel kernel) {
    List<NDArray> states = new ArrayList<>();
    run(batch, kernel, states);
    return states;
  }

  private NDArray run(BatchTensors batch, AttentionKernel kernel, List<NDArray> keep) {
    NDArray x = embeddings.forward(batch.ids());
    for (EncoderLayer layer : layers) {
      if (keep != null) {
        keep.add(x);
      }
      NDArray next;
      try (NDScope scope = new NDScope()) {
        next = layer.forward(x, batch, kernel);
        NDScope.unregister(next);
      }
      if (keep == null) {
        x.close(); // free each layer's input at once: only one residual stream is alive
      }
      x = next;
    }
    if (keep != null) {
      keep.add(x);
    }
    NDArray out = finalNorm.forward(x);
    if (keep == null) {
      x.close();
    }
    return out;
  }

  /**
   * MLM logits {@code [rows, vocab]} for the given rows of {@code last_hidden_state} (a {@code
   * MASKED_LM} checkpoint; tasks check the head before they run).
   */
  public NDArray maskedLmLogits(NDArray hidden) {
    return decoder.forward(head.forward(hidden));
  }

  /**
   * Classifier logits {@code [rows, labels]}: rows are pooled vectors (sequence classification) or
   * token rows (token classification), on a checkpoint with a classifier head.
   */
  public NDArray classifierLogits(NDArray rows) {
    return classifier.forward(head.forward(rows));
  }

  @Override
  public void close() {
    manager.close();
  }
}
