package dev.modernbert.encoder.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The activation of a {@code Dense} module, named by its torch class ({@code
 * torch.nn.modules.activation.Tanh}, {@code torch.nn.modules.linear.Identity}, ...), with that
 * class's default arguments: sentence-transformers saves only the class name.
 */
public enum DenseActivation {
  IDENTITY("Identity"),
  TANH("Tanh"),
  RELU("ReLU"),
  GELU("GELU"),
  SIGMOID("Sigmoid"),
  SILU("SiLU"),
  LEAKY_RELU("LeakyReLU"),
  ELU("ELU"),
  SOFTPLUS("Softplus"),
  MISH("Mish"),
  RELU6("ReLU6");

  private final String torchName;

  DenseActivation(String torchName) {
    this.torchName = torchName;
  }

  /** By torch class name; only the last dotted component counts. */
  public static DenseActivation of(String className) {
    String simple = className.substring(className.lastIndexOf('.') + 1);
    for (DenseActivation a : values()) {
      if (a.torchName.equals(simple)) {
        return a;
      }
    }
    throw new CheckpointException(
        "unsupported Dense activation_function \""
            + className
            + "\"; supported torch classes: "
            + Arrays.stream(values()).map(a -> a.torchName).collect(Collectors.joining(", ")));
  }

  public String torchName() {
    return torchName;
  }

  NDArray apply(NDArray x) {
    switch (this) {
      case IDENTITY:
        return x;
      case TANH:
        return x.tanh();
      case RELU:
        return Activation.relu(x);
      case GELU:
        return Activation.gelu(x); // libtorch's gelu, approximate="none" as nn.GELU()
      case SIGMOID:
        return Activation.sigmoid(x);
      case SILU:
        return x.mul(Activation.sigmoid(x));
      case LEAKY_RELU:
        return Activation.leakyRelu(x, 0.01f);
      case ELU:
        return Activation.elu(x, 1f);
      case SOFTPLUS:
        return Activation.softPlus(x);
      case MISH:
        return Activation.mish(x);
      case RELU6:
        return x.clip(0, 6);
      default:
        throw new IllegalStateException("unhandled activation " + name().toLowerCase(Locale.ROOT));
    }
  }
}
