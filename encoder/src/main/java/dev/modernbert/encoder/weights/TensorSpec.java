package dev.modernbert.encoder.weights;

import java.util.Arrays;

/**
 * A tensor the model expects: canonical name (no {@code model.} prefix), shape, and its role, which
 * decides how a random model initialises it.
 */
public record TensorSpec(String name, long[] shape, Role role, boolean optional) {
  public enum Role {
    MATRIX,
    NORM_WEIGHT,
    BIAS
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }
}
