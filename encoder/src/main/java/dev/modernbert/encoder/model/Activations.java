package dev.modernbert.encoder.model;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.Activation;

/** The activation functions of HF's {@code ACT2FN} that ModernBERT configs name. */
final class Activations {
  private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

  private Activations() {}

  static NDArray apply(Activation a, NDArray x) {
    switch (a) {
      case GELU:
        return ai.djl.nn.Activation.gelu(x); // libtorch's gelu, approximate="none" (erf)
      case GELU_TANH:
        {
          NDArray inner = x.pow(3).muli(0.044715).addi(x).muli(SQRT_2_OVER_PI).tanh();
          return inner.addi(1).muli(x).muli(0.5);
        }
      case SILU:
        return x.mul(x.getNDArrayInternal().sigmoid());
      case RELU:
        return ai.djl.nn.Activation.relu(x);
      default:
        throw new IllegalStateException("unhandled activation " + a);
    }
  }
}
