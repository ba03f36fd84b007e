package dev.modernbert.encoder.demo;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Tiny task-head checkpoints (hidden 32, 2 heads, 2 layers, vocab 512) with random weights and the
 * demo WordPiece tokenizer copied in, so text input works. Test code: the encoder's tests use it,
 * and the spark-udf and jobs tests get it from the encoder's test-jar ({@code
 * modernbert-encoder-*-tests.jar}, type {@code test-jar}).
 */
public final class TinyHeadCheckpoint {
  private TinyHeadCheckpoint() {}

  /**
   * A checkpoint with {@code head} and {@code labels} ({@code id2label}; a null entry is left out
   * of it, to test the {@code LABEL_i} fallback), random weights of seed 1, no {@code
   * problem_type}. Change those with the builder's setters, then {@link Builder#write}:
   *
   * <pre>{@code
   * TinyHeadCheckpoint.of(HeadKind.SEQUENCE_CLASSIFICATION, List.of("a", "b"))
   *     .problemType("multi_label_classification").forcedBias(2f, -1f).seed(6).write(dir);
   * }</pre>
   */
  public static Builder of(HeadKind head, List<String> labels) {
    return new Builder(head, labels);
  }

  /** The options of one checkpoint, each named; unset ones keep the defaults of {@link #of}. */
  public static final class Builder {
    private final HeadKind head;
    private final List<String> labels;
    private String problemType;
    private float[] forcedBias;
    private long seed = 1;

    private Builder(HeadKind head, List<String> labels) {
      this.head = head;
      this.labels = labels;
    }

    /** The config's {@code problem_type} (e.g. {@code regression}); null leaves it out. */
    public Builder problemType(String problemType) {
      this.problemType = problemType;
      return this;
    }

    /**
     * A zero classifier weight and this bias (one value per label), so the logits equal the bias
     * for every row and token; null keeps the random classifier.
     */
    public Builder forcedBias(float... bias) {
      this.forcedBias = bias;
      return this;
    }

    /** The seed of the random weights. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** Writes the checkpoint into {@code dir} (created if missing) and returns {@code dir}. */
    public Path write(Path dir) {
      return TinyHeadCheckpoint.write(dir, this);
    }
  }

  private static Path write(Path dir, Builder b) {
    HeadKind head = b.head;
    List<String> labels = b.labels;
    String problemType = b.problemType;
    float[] forcedBias = b.forcedBias;
    long seed = b.seed;
    try {
      Files.createDirectories(dir);
      JsonObject c = new JsonObject();
      JsonArray arch = new JsonArray();
      arch.add(head.architecture());
      c.add("architectures", arch);
      c.addProperty("model_type", "modernbert");
      c.addProperty("vocab_size", 512);
      c.addProperty("hidden_size", 32);
      c.addProperty("intermediate_size", 48);
      c.addProperty("num_hidden_layers", 2);
      c.addProperty("num_attention_heads", 2);
      c.addProperty("global_attn_every_n_layers", 2);
      c.addProperty("local_attention", 8);
      c.addProperty("max_position_embeddings", 128);
      c.addProperty("classifier_pooling", "mean");
      c.addProperty("pad_token_id", 0);
      c.addProperty("cls_token_id", 2);
      c.addProperty("sep_token_id", 3);
      JsonObject id2label = new JsonObject();
      for (int i = 0; i < labels.size(); i++) {
        if (labels.get(i) != null) {
          id2label.addProperty(String.valueOf(i), labels.get(i));
        }
      }
      c.add("id2label", id2label);
      if (problemType != null) {
        c.addProperty("problem_type", problemType);
      }
      Files.writeString(dir.resolve("config.json"), c + "\n", StandardCharsets.UTF_8);
      SafetensorsWriter w =
          RandomCheckpoint.weights(ModernBertConfig.parse(c, "config"), head, labels.size(), seed);
      if (forcedBias != null) {
        w.add("classifier.weight", new long[] {labels.size(), 32}, new float[labels.size() * 32]);
        w.add("classifier.bias", new long[] {labels.size()}, forcedBias);
      }
      w.write(dir.resolve("model.safetensors"), "F32");
      Path demo = DemoModel.ensure();
      for (String f : List.of("tokenizer.json", "tokenizer_config.json")) {
        Files.copy(demo.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
