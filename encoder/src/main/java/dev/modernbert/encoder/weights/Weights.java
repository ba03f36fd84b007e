package dev.modernbert.encoder.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.config.ModernBertConfig;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The model's tensors by canonical name ({@code layers.3.attn.Wqkv.weight}), on the model's device
 * and dtype. Modules read theirs through {@link #scope}, so the class that owns a tensor is the one
 * named after its key segment.
 */
public final class Weights {
  private final Map<String, NDArray> tensors;
  private final String prefix;
  private final HeadKind head;

  private Weights(Map<String, NDArray> tensors, String prefix, HeadKind head) {
    this.tensors = tensors;
    this.prefix = prefix;
    this.head = head;
  }

  public HeadKind head() {
    return head;
  }

  /** A view whose names are relative to {@code segment}, e.g. {@code scope("layers.0")}. */
  public Weights scope(String segment) {
    return new Weights(tensors, prefix + segment + ".", head);
  }

  public NDArray get(String name) {
    NDArray a = tensors.get(prefix + name);
    if (a == null) {
      throw new IllegalStateException(
          "no tensor " + prefix + name + " (the layout check should have caught this)");
    }
    return a;
  }

  /** A tensor that exists only under some config switches (biases), else null. */
  public NDArray optional(String name) {
    return tensors.get(prefix + name);
  }

  /**
   * Loads a checkpoint's weights. Accepts the keys of {@code ModernBertModel} (no prefix) and of
   * the task models ({@code model.} before encoder keys), F32/F16/BF16. Every missing, unexpected
   * or misshapen tensor is reported in one message.
   */
  public static Weights load(
      Path modelDir, ModernBertConfig config, NDManager manager, DataType dtype) {
    try (TensorFile file = CheckpointFiles.open(modelDir)) {
      checkLayerCount(modelDir, config, file.tensors().size());
      boolean prefixed = file.tensors().containsKey("model.embeddings.tok_embeddings.weight");
      Map<String, String> canonicalToFileKey = new LinkedHashMap<>();
      for (String key : file.tensors().keySet()) {
        String canonical = prefixed && key.startsWith("model.") ? key.substring(6) : key;
        canonicalToFileKey.put(canonical, key);
      }
      HeadKind head = detectHead(config, canonicalToFileKey.keySet());
      long numLabels = 0;
      if (head.hasClassifier() && canonicalToFileKey.containsKey("classifier.weight")) {
        numLabels = file.info(canonicalToFileKey.get("classifier.weight")).shape()[0];
      }
      List<TensorSpec> specs = WeightLayout.expected(config, head, numLabels);
      validate(modelDir, specs, canonicalToFileKey, file, config, numLabels);

      Map<String, NDArray> tensors = new HashMap<>();
      for (TensorSpec spec : specs) {
        String key = canonicalToFileKey.get(spec.name());
        if (key == null) {
          continue; // an optional tensor, tied below
        }
        TensorInfo info = file.info(key);
        ByteBuffer data = FloatConversion.toNative(file.bytes(key), info, file.path());
        DataType onDisk = info.dtype().equals("F16") ? DataType.FLOAT16 : DataType.FLOAT32;
        NDArray array = manager.create(data, new Shape(info.shape()), onDisk);
        tensors.put(spec.name(), onDevice(array, manager, dtype));
      }
      if (head == HeadKind.MASKED_LM && !tensors.containsKey("decoder.weight")) {
        tensors.put("decoder.weight", tensors.get("embeddings.tok_embeddings.weight"));
      }
      return new Weights(Collections.unmodifiableMap(tensors), "", head);
    }
  }

  /**
   * Each layer holds at least this many tensors (Wqkv, Wo, mlp_norm, Wi, Wo; attn_norm after 0).
   */
  static final int TENSORS_PER_LAYER = 5;

  /**
   * The config's layer count, bounded by the weights before anything is built per layer: a crafted
   * {@code num_hidden_layers} (10^9) fails here at once instead of building a billion-entry layout;
   * the per-tensor check ({@link #validate}) then names what is missing.
   */
  static void checkLayerCount(Path modelDir, ModernBertConfig config, int tensorCount) {
    if ((long) config.numHiddenLayers() * TENSORS_PER_LAYER > tensorCount) {
      throw new CheckpointException(
          modelDir.resolve("config.json")
              + ": field \"num_hidden_layers\" is "
              + config.numHiddenLayers()
              + " but the weights hold only "
              + tensorCount
              + " tensors (each layer needs at least "
              + TENSORS_PER_LAYER
              + "); the config does not belong to these weights");
    }
  }

  /**
   * Random weights with HF's init scales (normal 0.02 for matrices, ones for norms, zeros for
   * biases): the benchmark model. Speed does not depend on the values.
   */
  public static Weights random(
      ModernBertConfig config, HeadKind head, NDManager manager, DataType dtype) {
    Map<String, NDArray> tensors = new HashMap<>();
    for (TensorSpec spec :
        WeightLayout.expected(config, head, Math.max(1, config.id2label().size()))) {
      Shape shape = new Shape(spec.shape());
      NDArray a =
          switch (spec.role()) {
            case MATRIX -> manager.randomNormal(0f, 0.02f, shape, DataType.FLOAT32);
            case NORM_WEIGHT -> manager.ones(shape, DataType.FLOAT32);
            case BIAS -> manager.zeros(shape, DataType.FLOAT32);
          };
      tensors.put(spec.name(), onDevice(a, manager, dtype));
    }
    return new Weights(Collections.unmodifiableMap(tensors), "", head);
  }

  private static NDArray onDevice(NDArray a, NDManager manager, DataType dtype) {
    NDArray out = a;
    if (!out.getDevice().equals(manager.getDevice())) {
      out = out.toDevice(manager.getDevice(), false);
    }
    if (out.getDataType() != dtype) {
      out = out.toType(dtype, false);
    }
    if (out != a) {
      a.close();
    }
    return out;
  }

  /**
   * The head a checkpoint folder carries, read from config.json and the weight files' headers
   * (safetensors JSON, torch pickles) only, no tensor data: cheap enough for a driver-side check
   * before any job.
   */
  public static HeadKind headOf(Path modelDir) {
    ModernBertConfig config = ModernBertConfig.read(modelDir.resolve("config.json"));
    java.util.Set<String> names = new java.util.HashSet<>();
    try (TensorFile file = CheckpointFiles.open(modelDir)) {
      for (String key : file.tensors().keySet()) {
        names.add(key.startsWith("model.") ? key.substring(6) : key);
      }
    }
    return detectHead(config, names);
  }

  private static HeadKind detectHead(ModernBertConfig config, java.util.Set<String> names) {
    boolean classifier = names.stream().anyMatch(n -> n.startsWith("classifier."));
    boolean decoder = names.stream().anyMatch(n -> n.startsWith("decoder."));
    boolean predictionHead = names.stream().anyMatch(n -> n.startsWith("head."));
    if (classifier) {
      return config.architectures().stream().anyMatch(a -> a.endsWith("ForTokenClassification"))
          ? HeadKind.TOKEN_CLASSIFICATION
          : HeadKind.SEQUENCE_CLASSIFICATION;
    }
    if (decoder || predictionHead || config.architectures().contains("ModernBertForMaskedLM")) {
      return HeadKind.MASKED_LM;
    }
    return HeadKind.NONE;
  }

  private static void validate(
      Path dir,
      List<TensorSpec> specs,
      Map<String, String> canonicalToFileKey,
      TensorFile file,
      ModernBertConfig config,
      long numLabels) {
    List<String> problems = new ArrayList<>();
    TreeSet<String> unexpected = new TreeSet<>(canonicalToFileKey.keySet());
    for (TensorSpec spec : specs) {
      unexpected.remove(spec.name());
      String key = canonicalToFileKey.get(spec.name());
      if (key == null) {
        if (!spec.optional()) {
          problems.add("missing " + spec.name() + " " + spec.shapeString());
        }
        continue;
      }
      TensorInfo info = file.info(key);
      if (!java.util.Arrays.equals(info.shape(), spec.shape())) {
        problems.add(
            "wrong shape for "
                + key
                + ": "
                + info.shapeString()
                + ", expected "
                + spec.shapeString());
      }
      if (!List.of("F32", "F16", "BF16").contains(info.dtype())) {
        problems.add(
            "unsupported dtype "
                + info.dtype()
                + " for "
                + key
                + " (weights must be F32, F16 or BF16)");
      }
    }
    for (String name : unexpected) {
      problems.add("unexpected " + canonicalToFileKey.get(name));
    }
    if (!config.id2label().isEmpty() && numLabels > 0 && numLabels != config.id2label().size()) {
      problems.add(
          "classifier.weight has "
              + numLabels
              + " rows but config.json id2label has "
              + config.id2label().size()
              + " labels");
    }
    if (!problems.isEmpty()) {
      throw new CheckpointException(
          "checkpoint "
              + dir
              + " does not match its config.json ("
              + problems.size()
              + " problem"
              + (problems.size() == 1 ? "" : "s")
              + "):\n  "
              + String.join("\n  ", problems));
    }
  }
}
