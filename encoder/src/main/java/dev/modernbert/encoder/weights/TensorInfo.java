package dev.modernbert.encoder.weights;

import java.util.Arrays;

/**
 * One tensor of a weight file: name, element type (safetensors' names: {@code F32}, {@code F16},
 * {@code BF16}, {@code I64}, ...), shape, and the byte range its data occupies in the file.
 */
public record TensorInfo(String name, String dtype, long[] shape, long begin, long end) {

  public long elementCount() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  public String shapeString() {
    return Arrays.toString(shape);
  }

  /** Bytes per element of a safetensors dtype, or -1 for a type we do not read. */
  static int bytesPerElement(String dtype) {
    switch (dtype) {
      case "F64":
      case "I64":
        return 8;
      case "F32":
      case "I32":
        return 4;
      case "F16":
      case "BF16":
      case "I16":
        return 2;
      case "I8":
      case "U8":
      case "BOOL":
        return 1;
      default:
        return -1;
    }
  }
}
