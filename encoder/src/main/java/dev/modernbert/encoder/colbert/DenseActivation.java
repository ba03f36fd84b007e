package dev.modernbert.encoder.colbert;

import ai.djl.ndarray.NDArray;
import dev.modernbert.encoder.config.CheckpointException;
import java.nio.file.Path;

/** The activation a Dense module's {@code activation_function} names (a torch class). */
enum DenseActivation {
  IDENTITY("torch.nn.modules.linear.Identity"),
  TANH("torch.nn.modules.activation.Tanh"),
  RELU("torch.nn.modules.activation.ReLU"),
  GELU("torch.nn.modules.activation.GELU"),
  SIGMOID("torch.nn.modules.activation.Sigmoid");

  private final String torchClass;

  DenseActivation(String torchClass) {
    this.torchClass = torchClass;
  }

  /** The activation of a torch class name; an absent one is Identity (PyLate's default). */
  static DenseActivation of(String torchClass, Path config) {
    if (torchClass == null) {
      return IDENTITY;
    }
    for (DenseActivation a : values()) {
      if (a.torchClass.equals(torchClass)) {
        return a;
      }
    }
    StringBuilder known = new StringBuilder();
    for (DenseActivation a : values()) {
      known.append(known.length() == 0 ? "" : ", ").append(a.torchClass);
    }
    throw new CheckpointException(
        config + ": unsupported activation_function \"" + torchClass + "\"; supported: " + known);
  }

  NDArray apply(NDArray x) {
    return switch (this) {
      case IDENTITY -> x;
      case TANH -> x.tanh();
      case RELU -> ai.djl.nn.Activation.relu(x);
      case GELU -> ai.djl.nn.Activation.gelu(x);
      case SIGMOID -> ai.djl.nn.Activation.sigmoid(x);
    };
  }
}
