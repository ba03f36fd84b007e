package dev.modernbert.encoder.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import dev.modernbert.encoder.batch.BatchLayout;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.runtime.GemmCalibration;
import dev.modernbert.encoder.runtime.GemmDecision;
import dev.modernbert.encoder.runtime.GemmProducts;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.Precision;
import dev.modernbert.encoder.runtime.TorchRuntime;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.Weights;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * ModernBERT: embeddings, the stack of pre-norm layers (global and sliding-window attention
 * alternating), the final norm, and the task head the checkpoint carries. Works on the 2-D hidden
 * tensor {@code [rows, hidden]} of a {@link BatchTensors}, so embeddings, projections, norms and
 * the MLP see real tokens only when the batch is packed.
 */
public final class ModernBertModel implements AutoCloseable {
  private final ModernBertConfig config;
  private final NDManager manager;
  private final Precision precision;
  private final GemmDecision gemm; // null on a GPU: the route of the CPU's products
  private final GemmProducts products; // null: products through DJL in the weights' dtype
  private final HeadKind headKind;
  private final Embeddings embeddings;
  private final List<EncoderLayer> layers = new ArrayList<>();
  private final LayerNorm finalNorm;
  private final PredictionHead head;
  private final Linear decoder;
  private final Linear classifier;
  private final Rope.Constants rope; // uploaded once, here: batches upload nothing for RoPE

  private ModernBertModel(
      ModernBertConfig config,
      NDManager manager,
      Precision precision,
      GemmDecision gemm,
      GemmProducts products,
      Weights w) {
    this.config = config;
    this.manager = manager;
    this.precision = precision;
    this.gemm = gemm;
    this.products = products;
    this.headKind = w.head();
    this.embeddings = new Embeddings(w.scope("embeddings"), config);
    for (int l = 0; l < config.numHiddenLayers(); l++) {
      layers.add(new EncoderLayer(w.scope("layers." + l), config, l, products));
    }
    this.finalNorm = new LayerNorm(w.scope("final_norm"), config.normEps());
    this.head = headKind == HeadKind.NONE ? null : new PredictionHead(w.scope("head"), config);
    this.decoder = headKind == HeadKind.MASKED_LM ? new Linear(w.scope("decoder")) : null;
    this.classifier = headKind.hasClassifier() ? new Linear(w.scope("classifier")) : null;
    this.rope =
        new Rope.Constants(
            manager, config.headDim(), config.globalRopeTheta(), config.localRopeTheta());
  }

  /** Loads a checkpoint folder's weights onto {@code device} in {@code precision}. */
  public static ModernBertModel load(
      Path dir, ModernBertConfig config, Device device, Precision precision) {
    return load(dir, config, device, precision, GemmSpec.AUTO);
  }

  /**
   * {@link #load} with the CPU's product route {@code gemm} ({@link GemmSpec#AUTO} measures them;
   * ignored on a GPU).
   */
  public static ModernBertModel load(
      Path dir, ModernBertConfig config, Device device, Precision precision, GemmSpec gemm) {
    return create(
        config, device, precision, gemm, m -> Weights.load(dir, config, m, precision.dataType()));
  }

  /** A model with random weights (HF's init scales): for benchmarks. */
  public static ModernBertModel random(
      ModernBertConfig config, HeadKind head, Device device, Precision precision) {
    return random(config, head, device, precision, GemmSpec.AUTO);
  }

  /** {@link #random} on the CPU product route {@code gemm} (as {@link #load} takes it). */
  public static ModernBertModel random(
      ModernBertConfig config, HeadKind head, Device device, Precision precision, GemmSpec gemm) {
    return create(
        config,
        device,
        precision,
        gemm,
        m -> Weights.random(config, head, m, precision.dataType()));
  }

  /** {@link #random} in float32 or float16. */
  public static ModernBertModel random(
      ModernBertConfig config, HeadKind head, Device device, DataType dtype) {
    return random(
        config, head, device, dtype == DataType.FLOAT16 ? Precision.FLOAT16 : Precision.FLOAT32);
  }

  private static ModernBertModel create(
      ModernBertConfig config,
      Device device,
      Precision precision,
      GemmSpec gemmOption,
      Function<NDManager, Weights> weights) {
    Objects.requireNonNull(gemmOption, "gemm"); // refused on every device
    GemmDecision gemm =
        device.isGpu() || precision == Precision.FLOAT16
            ? null
            : GemmCalibration.decide(
                precision, gemmOption.route(), config.hiddenSize(), config.intermediateSize());
    NDManager manager = TorchRuntime.engine().newBaseManager(device);
    GemmProducts products = null;
    try {
      if (gemm != null && GemmProducts.needed(gemm.route(), precision.bf16Products())) {
        products = GemmProducts.create(gemm.route(), precision.bf16Products());
      }
      return new ModernBertModel(
          config, manager, precision, gemm, products, weights.apply(manager));
    } catch (RuntimeException e) {
      if (products != null) {
        products.close();
      }
      manager.close();
      throw e;
    }
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

  /** The dtype of weights and activations. */
  public DataType dtype() {
    return precision.dataType();
  }

  public Precision precision() {
    return precision;
  }

  /** How the CPU's products run (route, measured rates); null on a GPU or in float16. */
  public GemmDecision gemm() {
    return gemm;
  }

  /** Every tensor this model holds in DJL (for tests of what a route keeps). */
  List<NDArray> heldArrays() {
    return manager.getManagedArrays();
  }

  /** How many encoder-layer projections hold a weight in DJL (none on a non-DJL route). */
  long denseProjectionWeights() {
    return layers.stream()
        .flatMap(EncoderLayer::projections)
        .filter(Linear::holdsDenseWeight)
        .count();
  }

  /** Uploads a batch; close the result when the batch is done. */
  public BatchTensors newBatch(List<int[]> sequences, BatchLayout layout) {
    return new BatchTensors(manager, layout, sequences, config.padTokenId(), dtype(), rope);
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
    if (products != null) {
      products.close();
    }
    manager.close();
  }
}
