package dev.modernbert.encoder.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.modernbert.encoder.flags.FlagException;
import dev.modernbert.encoder.runtime.GemmSpec;
import dev.modernbert.encoder.runtime.TorchRuntime;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The bench's command line and its device sync; nothing here runs a benchmark. */
class BenchCommandTest {

  private record Result(int code, String out, String err) {}

  private static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        BenchCommand.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> BenchCommand.parse(args))
        .getMessage();
  }

  @Test
  void unknownFlagIsAUsageErrorBeforeAnythingRuns() {
    Result r = run("--impl", "gemm", "--workload", "W1", "--bogus", "1");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("bench: unknown flag --bogus"), r.err());
    assertTrue(r.err().contains("usage: modernbert bench"), r.err());
    assertEquals("", r.out()); // no RESULT line: the GEMM did not run

    FlagException e =
        assertThrows(
            FlagException.class,
            () -> BenchCommand.parse(new String[] {"--impl", "gemm", "--bogus=1"}));
    assertEquals(FlagException.Problem.UNKNOWN_FLAG, e.problem());
    assertEquals("--bogus", e.argument());
    assertEquals("unknown flag --bogus", refused("--workloads", "W1", "--bogus", "1"));
  }

  @Test
  void otherCommandLineProblemsAreUsageErrors() {
    assertEquals("--reps is given twice", refused("--impl", "ours", "--reps", "1", "--reps", "2"));
    assertEquals("--reps needs a value", refused("--impl", "ours", "--reps"));
    assertEquals("unexpected argument \"W1\"", refused("--impl", "ours", "W1"));
    assertEquals("--reps: \"x\" is not an integer", refused("--impl", "ours", "--reps", "x"));
    assertEquals(
        "--threads: 0 is too small (at least 1)", refused("--impl", "ours", "--threads", "0"));
    assertEquals(
        "--impl: bad value \"fast\" (expected ours, naive, gemm)", refused("--impl", "fast"));
    assertTrue(refused("--impl", "ours", "--workload", "W9").contains("unknown workload W9"));
    assertTrue(refused("--workloads", "W2a:9999").contains("W2a:9999"));
    assertEquals(
        "--workload needs --impl (the full run takes --workloads)", refused("--workload", "W1"));
    assertEquals(
        "--naive-skip is for the full run, not with --impl",
        refused("--impl", "ours", "--naive-skip", "W3"));
    assertEquals(2, run("--impl", "ours", "--reps").code());
  }

  @Test
  void helpPrintsTheUsage() {
    Result r = run("--impl", "ours", "--help");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("usage: modernbert bench"), r.out());
    assertTrue(r.out().contains("docs/workloads.md"), r.out());
    Result value = run("--device", "-h"); // a flag's value is never a help request
    assertEquals(2, value.code(), value.err());
    assertFalse(value.out().contains("usage: modernbert bench"), value.out());
  }

  @Test
  void defaultsAndBothModes() {
    BenchCommand.Options all = BenchCommand.parse(new String[0]);
    assertNull(all.impl());
    assertEquals(List.of("W1", "W2a:128", "W2b:128", "W2a", "W3"), all.workloads());
    assertEquals(List.of("W2a", "W3"), all.naiveSkip());
    assertEquals(3, all.reps());
    assertEquals(2, all.threads());
    assertEquals(4096, all.batchTokens());

    BenchCommand.Options one =
        BenchCommand.parse(
            new String[] {
              "--impl",
              "ours",
              "--workload=W1,W3",
              "--reps",
              "2",
              "--threads=1",
              "--batch-tokens",
              "8192"
            });
    assertEquals("ours", one.impl());
    assertEquals(List.of("W1", "W3"), one.workloads());
    assertEquals(2, one.reps());
    assertEquals(1, one.threads());
    assertEquals(8192, one.batchTokens());
    assertEquals(List.of("W1"), BenchCommand.parse(new String[] {"--impl", "gemm"}).workloads());
    assertEquals(
        List.of(),
        BenchCommand.parse(new String[] {"--workloads", "W1", "--naive-skip", ""}).naiveSkip());
  }

  @Test
  void gemmIsAutoByDefaultAndAListRunsTheRoutesInterleaved() {
    assertEquals(
        List.of(GemmSpec.AUTO), BenchCommand.parse(new String[] {"--impl", "ours"}).gemms());
    assertEquals(
        List.of(GemmSpec.DEFAULT, GemmSpec.ONEDNN),
        BenchCommand.parse(new String[] {"--impl", "ours", "--gemm", "default,ONEDNN"}).gemms());
    assertEquals(
        "--gemm: bad value \"mkl\" (expected auto, default, onednn)",
        refused("--impl", "ours", "--gemm", "mkl"));
    assertEquals(
        "--gemm: a list needs --impl and one --dtype (the variants run interleaved)",
        refused("--gemm", "default,onednn"));
  }

  @Test
  void deviceIsCpuByDefaultAndTakesCudaWithOrWithoutAnOrdinal() {
    BenchCommand.Options plain = BenchCommand.parse(new String[] {"--impl", "ours"});
    assertEquals("cpu", plain.device().toString());
    assertEquals(1, plain.warmup());
    assertEquals(
        "cuda",
        BenchCommand.parse(new String[] {"--impl", "ours", "--device", "cuda"})
            .device()
            .toString());
    BenchCommand.Options one =
        BenchCommand.parse(
            new String[] {"--impl", "ours", "--device=CUDA:1", "--dtype", "float16", "--warmup=0"});
    assertEquals("cuda:1", one.device().toString());
    assertEquals(0, one.warmup());
    assertEquals(
        "cuda:0", BenchCommand.parse(new String[] {"--device", "cuda:0"}).device().toString());
    // dtype auto is float16 on a GPU, float32 on the CPU
    assertEquals(
        "float16",
        BenchCommand.parse(new String[] {"--impl", "ours", "--device", "cuda", "--dtype", "auto"})
            .dtypes()
            .get(0)
            .id());
    assertEquals(
        "float32",
        BenchCommand.parse(new String[] {"--impl", "ours", "--dtype", "auto"})
            .dtypes()
            .get(0)
            .id());
  }

  @Test
  void badDevicesAndDtypesAreUsageErrors() {
    for (String bad : new String[] {"gpu", "auto", "cuda:x", "cuda:", ""}) {
      assertEquals(
          "--device: bad value \"" + bad + "\" (expected cpu, cuda or cuda:N)",
          refused("--impl", "ours", "--device", bad));
    }
    assertTrue(
        refused("--impl", "ours", "--device", "cuda", "--dtype", "bfloat16")
            .startsWith("--dtype: dtype bfloat16 is the CPU's mixed precision"));
    assertEquals(
        "--warmup: -1 is too small (at least 0)", refused("--impl", "ours", "--warmup", "-1"));
    Result r = run("--impl", "gemm", "--device", "tpu");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("usage: modernbert bench"), r.err());
    assertEquals("", r.out());
  }

  @Test
  void anUnavailableCudaDeviceFailsAtOnceNamingIt() {
    // This machine's libtorch is the bundled CPU one (the project's tests run without a GPU).
    Assumptions.assumeTrue(
        TorchRuntime.engine().getGpuCount() == 0, "a GPU is visible: nothing to refuse");
    for (String device : new String[] {"cuda", "cuda:3"}) {
      for (String mode : new String[] {"--impl=gemm", "--workloads=W3"}) {
        Result r = run(mode, "--device", device, "--reps", "1");
        assertEquals(1, r.code(), r.err());
        assertTrue(r.err().startsWith("bench: --device " + device + ": "), r.err());
        assertTrue(r.err().contains("device \"" + device + "\" needs CUDA"), r.err());
        assertTrue(r.err().contains("CPU build"), r.err());
        assertFalse(r.out().contains("RESULT"), r.out()); // nothing ran
        assertFalse(r.err().contains("running"), r.err()); // no child JVM was started
      }
    }
  }

  @Test
  void theSyncReadsOneElementOfAnyShapeAndDtype() {
    try (NDManager m = TorchRuntime.engine().newBaseManager(Device.cpu())) {
      assertEquals(4, BenchCommand.sync(m.ones(new Shape(3, 5, 7))));
      assertEquals(2, BenchCommand.sync(m.ones(new Shape(4, 9)).toType(DataType.FLOAT16, false)));
      assertEquals(4, BenchCommand.sync(m.create(2f)));
      // a non-contiguous view: element [0, 0] only
      assertEquals(4, BenchCommand.sync(m.ones(new Shape(6, 8)).transpose()));
    }
    assertEquals("cpu", BenchCommand.deviceId(Device.cpu()));
    assertEquals("cuda:2", BenchCommand.deviceId(Device.gpu(2)));
  }

  @Test
  void w2LengthsMatchTheSpec() {
    int[] lengths = Workloads.w2Lengths();
    assertEquals(Workloads.W2_SIZE, lengths.length);
    long sum = 0;
    for (int l : lengths) {
      sum += l;
    }
    assertEquals(174_982, sum); // docs/workloads.md: mean 341.8
    assertEquals(
        List.of(147, 136, 55, 771), List.of(lengths[0], lengths[1], lengths[2], lengths[3]));
  }
}
