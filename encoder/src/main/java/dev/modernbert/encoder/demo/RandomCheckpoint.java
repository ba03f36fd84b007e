package dev.modernbert.encoder.demo;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonObject;
import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.HeadKind;
import dev.modernbert.encoder.weights.SafetensorsWriter;
import dev.modernbert.encoder.weights.TensorSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes a checkpoint folder with random weights for any config, keyed as HF's task models save
 * them ({@code model.} before encoder keys). Values follow the golden fixtures' scales, large
 * enough that attention is far from uniform: N(0,1)/sqrt(in) for matrices, N(0,1) for the
 * embeddings, 1 + 0.1 N(0,1) for norm weights, 0.1 N(0,1) for biases.
 */
public final class RandomCheckpoint {
  private RandomCheckpoint() {}

  public static void write(Path dir, JsonObject config, HeadKind head, long seed)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(
        dir.resolve("config.json"),
        new GsonBuilder().setPrettyPrinting().create().toJson(config) + "\n",
        StandardCharsets.UTF_8);
    int labels = config.has("id2label") ? config.getAsJsonObject("id2label").size() : 2;
    weights(ModernBertConfig.parse(config, "config"), head, labels, seed)
        .write(dir.resolve("model.safetensors"), "F32");
  }

  public static SafetensorsWriter weights(
      ModernBertConfig config, HeadKind head, int labels, long seed) {
    Random random = new Random(seed);
    SafetensorsWriter writer = new SafetensorsWriter();
    for (TensorSpec spec :
        dev.modernbert.encoder.weights.WeightLayout.expected(config, head, labels)) {
      if (spec.optional()) {
        continue; // decoder.weight of a tied checkpoint: not in the file
      }
      int n = (int) Arrays.stream(spec.shape()).reduce(1, (a, b) -> a * b);
      boolean embedding = spec.name().equals("embeddings.tok_embeddings.weight");
      double scale =
          spec.shape().length == 2 && !embedding ? 1.0 / Math.sqrt(spec.shape()[1]) : 1.0;
      float[] v = new float[n];
      for (int i = 0; i < n; i++) {
        double g = random.nextGaussian();
        v[i] =
            (float)
                switch (spec.role()) {
                  case MATRIX -> g * scale;
                  case NORM_WEIGHT -> 1 + 0.1 * g;
                  case BIAS -> 0.1 * g;
                };
      }
      writer.add(fileKey(spec.name(), head), spec.shape(), v);
    }
    return writer;
  }

  /** HF's key: task models prefix encoder tensors with {@code model.}; heads stay at the top. */
  static String fileKey(String canonical, HeadKind head) {
    boolean headTensor =
        canonical.startsWith("head.")
            || canonical.startsWith("decoder.")
            || canonical.startsWith("classifier.");
    return head == HeadKind.NONE || headTensor ? canonical : "model." + canonical;
  }
}
