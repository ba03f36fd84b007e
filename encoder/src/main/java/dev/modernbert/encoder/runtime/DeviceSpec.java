package dev.modernbert.encoder.runtime;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;

/**
 * A device as asked for ({@code auto}, {@code cpu}, {@code cuda}, {@code cuda:N}), parsed once
 * where the option is read (the CLI's flags, a stage's Params, a SQL function's options, the job's
 * flags) and carried as this value to the model's key; {@link #resolve} makes it concrete. The
 * dtype that goes with it is a {@link DtypeSpec}.
 *
 * <p>Defaults: the Spark stages, SQL functions and the job ask for {@code auto} (device and dtype);
 * the CLI ({@code bin/modernbert}) and {@link dev.modernbert.encoder.EncoderOptions#defaults()} ask
 * for {@code cpu} and float32, so a command-line run gives the same numbers on every machine unless
 * told otherwise.
 *
 * @param kind what was asked for
 * @param ordinal the GPU ordinal of {@code cuda:N}; -1 when none was given
 */
public record DeviceSpec(Kind kind, int ordinal) implements Serializable {
  public enum Kind {
    AUTO,
    CPU,
    CUDA
  }

  /** The device values in words, for messages and docs. */
  public static final String DEVICES = "auto, cpu, cuda or cuda:N";

  /** The dtype values ({@link DtypeSpec#NAMES}). */
  public static final List<String> DTYPES = DtypeSpec.NAMES;

  public static final DeviceSpec CPU = new DeviceSpec(Kind.CPU, -1);

  /**
   * Who chose where work runs, as far as GPUs go: a scheduler that assigns GPUs to each piece of
   * work (a Spark task: the stages, SQL functions and the job), or nobody (the CLI and the Java
   * API, which see the whole machine).
   *
   * @param scheduled true under a scheduler
   * @param gpu the CUDA ordinal the scheduler assigned; -1 for none
   */
  public record Placement(boolean scheduled, int gpu) {
    /** No scheduler: the whole machine. */
    public static final Placement MACHINE = new Placement(false, -1);

    /** A scheduled task with GPU {@code gpu}, or -1 when the task has none. */
    public static Placement task(int gpu) {
      return new Placement(true, gpu);
    }
  }

  /** {@code cuda:N}. */
  public static DeviceSpec cuda(int ordinal) {
    if (ordinal < 0) {
      throw new IllegalArgumentException("a CUDA ordinal is 0 or more, not " + ordinal);
    }
    return new DeviceSpec(Kind.CUDA, ordinal);
  }

  /** Parses {@code auto}, {@code cpu}, {@code cuda} or {@code cuda:N} (case-insensitive). */
  public static DeviceSpec parse(String device) {
    String s = device == null ? "" : device.trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "auto":
        return new DeviceSpec(Kind.AUTO, -1);
      case "cpu":
        return CPU;
      case "cuda":
        return new DeviceSpec(Kind.CUDA, -1);
      default:
        if (s.matches("cuda:\\d{1,4}")) {
          return new DeviceSpec(Kind.CUDA, Integer.parseInt(s.substring(5)));
        }
        throw new IllegalArgumentException("bad device \"" + device + "\": expected " + DEVICES);
    }
  }

  /** True when {@code device} parses. */
  public static boolean isValid(String device) {
    try {
      parse(device);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * The concrete device, {@code cpu} or {@code cuda:N}: the one place where {@code auto} and {@code
   * cuda} get their meaning, for every front end.
   *
   * <ul>
   *   <li>{@code cpu} and {@code cuda:N}: themselves, wherever the work runs.
   *   <li>{@code auto}: the GPU the scheduler assigned (in Spark: the task's GPU resource); under a
   *       scheduler that assigned none, the CPU; with no scheduler (the CLI, the Java API), GPU 0
   *       when CUDA is usable here ({@code cudaUsable}), else the CPU.
   *   <li>{@code cuda}: the GPU the scheduler assigned; under a scheduler that assigned none, an
   *       error naming the Spark settings; with no scheduler, GPU 0 (checked when the model loads).
   * </ul>
   *
   * @param cudaUsable asked only for {@code auto} with no scheduler
   * @throws IllegalStateException for {@code cuda} in a scheduled task without a GPU
   */
  public DeviceSpec resolve(Placement where, BooleanSupplier cudaUsable) {
    return switch (kind) {
      case CPU -> CPU;
      case CUDA -> {
        if (ordinal >= 0) {
          yield this;
        }
        if (where.gpu() >= 0) {
          yield cuda(where.gpu());
        }
        if (where.scheduled()) {
          throw new IllegalStateException(
              "device=cuda but this task has no GPU resource: set"
                  + " spark.executor.resource.gpu.amount, spark.task.resource.gpu.amount (and a"
                  + " GPU discovery script), or use device=auto to fall back to the CPU");
        }
        yield cuda(0);
      }
      case AUTO -> {
        if (where.gpu() >= 0) {
          yield cuda(where.gpu());
        }
        yield !where.scheduled() && cudaUsable.getAsBoolean() ? cuda(0) : CPU;
      }
    };
  }

  /** True for {@code cpu} and {@code cuda:N}: nothing left to choose. */
  public boolean isConcrete() {
    return kind == Kind.CPU || (kind == Kind.CUDA && ordinal >= 0);
  }

  /** True for a GPU. */
  public boolean isGpu() {
    return kind == Kind.CUDA;
  }

  /** {@code cpu} or {@code cuda:N}. */
  @Override
  public String toString() {
    return switch (kind) {
      case AUTO -> "auto";
      case CPU -> "cpu";
      case CUDA -> ordinal < 0 ? "cuda" : "cuda:" + ordinal;
    };
  }
}
