package dev.modernbert.encoder.config;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.util.Locale;

/** The activations HF's {@code ACT2FN} maps ModernBERT's activation names to. */
public enum Activation {
  /** Exact erf GELU: HF "gelu". */
  GELU,
  /** tanh approximation: HF "gelu_pytorch_tanh", "gelu_new", "gelu_fast". */
  GELU_TANH,
  /** x * sigmoid(x): HF "silu", "swish". */
  SILU,
  RELU;

  /** Parses an HF activation name; {@code field} names the config field for the error message. */
  public static Activation fromHf(String name, String field) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "gelu":
        return GELU;
      case "gelu_pytorch_tanh":
      case "gelu_new":
      case "gelu_fast":
        return GELU_TANH;
      case "silu":
      case "swish":
        return SILU;
      case "relu":
        return RELU;
      default:
        throw new CheckpointException(
            "config.json: unsupported "
                + field
                + " \""
                + name
                + "\"; supported: gelu, gelu_pytorch_tanh, gelu_new, gelu_fast, silu, swish, relu");
    }
  }
}
