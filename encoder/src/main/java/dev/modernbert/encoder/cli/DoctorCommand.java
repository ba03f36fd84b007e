package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.RunOptions;
import dev.modernbert.encoder.runtime.TorchDoctor;
import java.io.PrintStream;
import java.util.List;

/**
 * {@code modernbert doctor}: what decides where libtorch runs on this node (Java, CPU and ISA, DJL,
 * libtorch, JNI, flavor, cudart, CUDA_VISIBLE_DEVICES, GPUs as DJL sees them), and whether a device
 * can be used. Exit 0 when it can, 1 with the failing check's message (cause and fix) when not.
 */
final class DoctorCommand {
  static final String NAME = "doctor";

  /** The device to check, with the stages' default (auto). */
  static final List<Option<?>> OPTIONS = List.of(RunOptions.DEVICE);

  static final String USAGE =
      """
      Usage: modernbert doctor [--device auto|cpu|cuda|cuda:N]

      Prints what a node's runs depend on, one "name value" line each: Java, OS, CPU model and
      ISA flags (avx2, avx512f, avx512_bf16, amx_bf16), DJL's version, offline mode and cache,
      PYTORCH_LIBRARY_PATH, PYTORCH_FLAVOR, PYTORCH_VERSION, the libtorch DJL takes (path,
      version, CPU or CUDA build), the JNI (path, flavor, the libtorch version it was built for),
      cudart, CUDA_VISIBLE_DEVICES, LD_LIBRARY_PATH, jna.library.path and the GPUs DJL sees.
      Then checks the device: libtorch is started only when the checks before loading pass.
      --device auto always passes and says which device auto picks and why; cuda or cuda:N
      fails unless CUDA is usable, naming the cause and the fix.

      """
          + CliHelp.section(OPTIONS)
          + """

      Exit codes: 0 the device can be used, 1 it cannot (the check's message on stderr),
      2 bad usage. Run it on each GPU node with the executors' environment (docs/gpu.md).
      """;

  private DoctorCommand() {}

  static int run(String[] args, PrintStream out, PrintStream err) {
    Flags flags = Flags.parse(NAME, args, OPTIONS);
    String device = flags.value(RunOptions.DEVICE);
    TorchDoctor.Report report = TorchDoctor.examine(device);
    report.lines().forEach(out::println);
    out.flush();
    if (!report.verdict().ok()) {
      err.println("modernbert doctor: error: " + report.verdict().message());
      return Main.EXIT_FAILURE;
    }
    return Main.EXIT_OK;
  }
}
