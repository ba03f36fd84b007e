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
   * Writes a checkpoint into {@code dir}. {@code labels} become {@code id2label} (a null entry is
   * left out of it, to test the {@code LABEL_i} fallback). With {@code forcedBias}, the classifier
   * weight is zero and its bias is {@code forcedBias}, so the logits equal the bias for every row.
   */
  public static Path write(
      Path dir,
      HeadKind head,
      List<String> labels,
      String problemType,
      float[] forcedBias,
      long seed) {
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
