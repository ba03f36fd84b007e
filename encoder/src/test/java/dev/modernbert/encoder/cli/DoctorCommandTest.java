package dev.modernbert.encoder.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code modernbert doctor} on this machine: the default jars, the bundled CPU libtorch. */
class DoctorCommandTest {
  static final List<String> FIELDS =
      List.of(
          "java",
          "os",
          "cpu",
          "cpu isa",
          "djl",
          "djl cache",
          "PYTORCH_LIBRARY_PATH",
          "PYTORCH_FLAVOR",
          "PYTORCH_VERSION",
          "libtorch",
          "libtorch version",
          "libtorch loaded",
          "jni flavor",
          "jni",
          "pytorch-jni",
          "cudart",
          "CUDA_VISIBLE_DEVICES",
          "LD_LIBRARY_PATH",
          "jna.library.path",
          "gpus (DJL)",
          "device",
          "check");

  static boolean defaultJarsHere() {
    return System.getenv("PYTORCH_LIBRARY_PATH") == null && System.getenv("PYTORCH_FLAVOR") == null;
  }

  /** The value of a {@code name value} line (names padded to 21 columns). */
  static String field(String out, String name) {
    return Arrays.stream(out.split("\n"))
        .filter(l -> l.length() > 21 && l.substring(0, 21).trim().equals(name))
        .map(l -> l.substring(22).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no field " + name + " in:\n" + out));
  }

  @Test
  void printsEveryFieldAndExitsZeroForAuto() {
    MainTest.Result r = MainTest.run("doctor");
    assertEquals(Main.EXIT_OK, r.code(), r.err());
    for (String name : FIELDS) {
      field(r.out(), name);
    }
    assertTrue(field(r.out(), "java").startsWith(System.getProperty("java.version")), r.out());
    assertTrue(field(r.out(), "cpu isa").contains("avx2 "), r.out());
    assertTrue(field(r.out(), "djl").startsWith("0.35.1"), r.out());
    assumeTrue(defaultJarsHere());
    assertTrue(field(r.out(), "libtorch").startsWith("bundled CPU build"), r.out());
    assertTrue(field(r.out(), "libtorch version").endsWith("CPU build"), r.out());
    assertTrue(field(r.out(), "pytorch-jni").contains("cu128"), r.out());
    assertTrue(field(r.out(), "libtorch loaded").startsWith("2.7.1"), r.out());
    assertEquals("auto -> cpu", field(r.out(), "device"));
    assertTrue(field(r.out(), "check").startsWith("ok: the CPU"), r.out());
  }

  @Test
  void cudaFailsHereWithTheCauseAndTheFix() {
    assumeTrue(defaultJarsHere());
    MainTest.Result r = MainTest.run("doctor", "--device", "cuda");
    assertEquals(Main.EXIT_FAILURE, r.code(), r.out());
    assertTrue(field(r.out(), "check").startsWith("FAILED (CPU_ONLY_LIBTORCH)"), r.out());
    assertEquals("cuda -> none", field(r.out(), "device"));
    assertTrue(
        r.err()
            .startsWith(
                "modernbert doctor: error: device \"cuda\" needs CUDA, but the libtorch in use is"
                    + " the bundled CPU build"),
        r.err());
    assertTrue(r.err().contains("PYTORCH_LIBRARY_PATH"), r.err());
  }

  @Test
  void cpuIsFineAndABadDeviceIsAUsageError() {
    MainTest.Result cpu = MainTest.run("doctor", "--device", "cpu");
    assertEquals(Main.EXIT_OK, cpu.code(), cpu.err());
    assertEquals("cpu -> cpu", field(cpu.out(), "device"));
    MainTest.Result bad = MainTest.run("doctor", "--device", "gpu");
    assertEquals(Main.EXIT_USAGE, bad.code());
    assertTrue(
        bad.err().contains("--device: bad value \"gpu\" (expected auto, cpu, cuda or cuda:N)"),
        bad.err());
    MainTest.Result help = MainTest.run("doctor", "--help");
    assertEquals(Main.EXIT_OK, help.code());
    assertTrue(help.out().startsWith("Usage: modernbert doctor"), help.out());
    assertTrue(MainTest.run("--help").out().contains("doctor"));
  }
}
