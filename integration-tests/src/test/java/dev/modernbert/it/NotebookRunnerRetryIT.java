package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The notebook runner's kernel-start retry ({@code notebooks/tools/execute_notebooks.py}), with
 * fake kernels instead of the Java one: a kernel that exits at once and one that never answers the
 * handshake are each started {@code --attempts} times, then the run fails (exit 1) naming what
 * happened; the exited kernel's console is shown.
 */
class NotebookRunnerRetryIT {
  private static final Path ROOT =
      Path.of(System.getProperty("modernbert.root", "..")).toAbsolutePath().normalize();
  private static final String PYTHON = Jupyter.python().toString(); // Debian's, with Jupyter

  @TempDir Path tmp;

  @Test
  void aKernelThatExitsIsRetriedThenFailsWithItsConsole() throws Exception {
    String out =
        runWithKernel("import sys; print('FAKE-KERNEL-CONSOLE', file=sys.stderr); sys.exit(1)", 60);
    assertTrue(out.contains("exited before answering kernel_info (attempt 1/2, retrying)"), out);
    assertTrue(out.contains("exited before answering kernel_info (attempt 2/2)"), out);
    assertTrue(out.contains("| FAKE-KERNEL-CONSOLE"), "the console tail is shown:\n" + out);
    assertTrue(out.contains("the kernel did not start in 2 attempts"), out);
  }

  @Test
  void aSilentKernelIsKilledAndRetriedThenFails() throws Exception {
    String out = runWithKernel("import time; time.sleep(600)", 3);
    assertTrue(out.contains("no kernel_info reply in 3s (attempt 1/2, retrying); killed"), out);
    assertTrue(out.contains("no kernel_info reply in 3s (attempt 2/2); killed"), out);
    assertTrue(out.contains("the kernel did not start in 2 attempts"), out);
  }

  /** Runs the runner on a one-cell notebook with a fake kernel running {@code code}; exit 1. */
  private String runWithKernel(String code, int handshakeTimeout) throws Exception {
    Jupyter.require("NotebookRunnerRetryIT");
    Path spec = Files.createDirectories(tmp.resolve("jupyter/kernels/fake"));
    Files.writeString(
        spec.resolve("kernel.json"),
        "{\"argv\": [\""
            + PYTHON
            + "\", \"-c\", \""
            + code.replace("\"", "\\\"")
            + "\", \"{connection_file}\"], \"display_name\": \"fake\", \"language\": \"python\"}");
    Path notebooks = Files.createDirectories(tmp.resolve("notebooks"));
    Files.writeString(
        notebooks.resolve("one.ipynb"),
        "{\"cells\": [{\"cell_type\": \"code\", \"id\": \"c1\", \"execution_count\": null,"
            + " \"metadata\": {},"
            + " \"outputs\": [], \"source\": \"1\"}], \"metadata\": {}, \"nbformat\": 4,"
            + " \"nbformat_minor\": 5}");
    Path log = tmp.resolve("runner.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    PYTHON,
                    ROOT.resolve("notebooks/tools/execute_notebooks.py").toString(),
                    notebooks.toString(),
                    "--kernel",
                    "fake",
                    "--out",
                    tmp.resolve("out").toString(),
                    "--attempts",
                    "2",
                    "--handshake-timeout",
                    String.valueOf(handshakeTimeout)))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JUPYTER_PATH", tmp.resolve("jupyter").toString());
    Process process = pb.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("the runner did not finish in 3 minutes");
    }
    String out = Files.readString(log, StandardCharsets.UTF_8);
    assertEquals(1, process.exitValue(), out);
    return out;
  }
}
