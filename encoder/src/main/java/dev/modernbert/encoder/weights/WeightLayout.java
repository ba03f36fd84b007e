package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.config.ModernBertConfig;
import dev.modernbert.encoder.weights.TensorSpec.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * The tensors a ModernBERT checkpoint must hold, by canonical name, derived from its config the way
 * HF's modules create them: biases only where the config's switches ask for them, no {@code
 * attn_norm} on layer 0 (an Identity there), {@code classifier.bias} always.
 */
public final class WeightLayout {
  private WeightLayout() {}

  public static List<TensorSpec> expected(ModernBertConfig c, HeadKind head, long numLabels) {
    long h = c.hiddenSize();
    long i = c.intermediateSize();
    List<TensorSpec> specs = new ArrayList<>();
    specs.add(
        new TensorSpec(
            "embeddings.tok_embeddings.weight", new long[] {c.vocabSize(), h}, Role.MATRIX, false));
    norm(specs, "embeddings.norm", h, c.normBias());
    for (int l = 0; l < c.numHiddenLayers(); l++) {
      String p = "layers." + l + ".";
      if (l > 0) {
        norm(specs, p + "attn_norm", h, c.normBias());
      }
      linear(specs, p + "attn.Wqkv", 3 * h, h, c.attentionBias());
      linear(specs, p + "attn.Wo", h, h, c.attentionBias());
      norm(specs, p + "mlp_norm", h, c.normBias());
      linear(specs, p + "mlp.Wi", 2 * i, h, c.mlpBias());
      linear(specs, p + "mlp.Wo", h, i, c.mlpBias());
    }
    norm(specs, "final_norm", h, c.normBias());
    if (head != HeadKind.NONE) {
      linear(specs, "head.dense", h, h, c.classifierBias());
      norm(specs, "head.norm", h, c.normBias());
    }
    if (head == HeadKind.MASKED_LM) {
      // Tied checkpoints drop decoder.weight on save; the loader ties it to the embeddings.
      specs.add(
          new TensorSpec(
              "decoder.weight", new long[] {c.vocabSize(), h}, Role.MATRIX, c.tieWordEmbeddings()));
      if (c.decoderBias()) {
        specs.add(new TensorSpec("decoder.bias", new long[] {c.vocabSize()}, Role.BIAS, false));
      }
    }
    if (head.hasClassifier()) {
      linear(specs, "classifier", numLabels, h, true);
    }
    return specs;
  }

  private static void linear(List<TensorSpec> specs, String name, long out, long in, boolean bias) {
    specs.add(new TensorSpec(name + ".weight", new long[] {out, in}, Role.MATRIX, false));
    if (bias) {
      specs.add(new TensorSpec(name + ".bias", new long[] {out}, Role.BIAS, false));
    }
  }

  private static void norm(List<TensorSpec> specs, String name, long size, boolean bias) {
    specs.add(new TensorSpec(name + ".weight", new long[] {size}, Role.NORM_WEIGHT, false));
    if (bias) {
      specs.add(new TensorSpec(name + ".bias", new long[] {size}, Role.BIAS, false));
    }
  }
}
