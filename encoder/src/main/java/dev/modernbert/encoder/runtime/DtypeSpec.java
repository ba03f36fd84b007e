package dev.modernbert.encoder.runtime;

import java.util.List;

/**
 * A dtype as asked for ({@code auto}, {@code float32}, {@code float16}, {@code bfloat16}), parsed
 * once where the option is read; {@link #on} makes it the {@link Precision} a model computes in.
 */
public enum DtypeSpec {
  /** float16 on a GPU, float32 on the CPU. */
  AUTO,
  FLOAT32,
  FLOAT16,
  /** The CPU's mixed precision: float32 with bf16 products ({@link Precision#BFLOAT16}). */
  BFLOAT16;

  /** The values users give, in order. */
  public static final List<String> NAMES = NamedChoice.names(DtypeSpec.class);

  /**
   * Parses a dtype (case-insensitive).
   *
   * @throws IllegalArgumentException naming the value and the choices
   */
  public static DtypeSpec parse(String dtype) {
    return NamedChoice.parse(DtypeSpec.class, "dtype", dtype);
  }

  /** The dtype of a model computing in {@code precision}. */
  public static DtypeSpec of(Precision precision) {
    return valueOf(precision.name());
  }

  /**
   * The precision on a GPU ({@code gpu}) or the CPU: {@code auto} is float16 on a GPU, float32 on
   * the CPU. Whether this CPU has bf16 products is {@link Precision#of}'s check, when a model
   * loads.
   *
   * @throws IllegalArgumentException for bfloat16 (the CPU's mixed precision) on a GPU
   */
  public Precision on(boolean gpu) {
    return switch (this) {
      case AUTO -> gpu ? Precision.FLOAT16 : Precision.FLOAT32;
      case FLOAT32 -> Precision.FLOAT32;
      case FLOAT16 -> Precision.FLOAT16;
      case BFLOAT16 -> {
        if (gpu) {
          throw new IllegalArgumentException(
              "dtype bfloat16 is the CPU's mixed precision; on a GPU use float16 (or auto)");
        }
        yield Precision.BFLOAT16;
      }
    };
  }

  /** The name users give ({@code auto}, {@code float32}, ...). */
  @Override
  public String toString() {
    return NamedChoice.name(this);
  }
}
