package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Executes every notebook of {@code notebooks/} headlessly against the freshly built jars, through
 * {@code bin/modernbert-notebook --execute notebooks} (Jupyter's nbclient and the rapaio Java
 * kernel), and fails on any cell error. Also checks that the plotting notebooks produced their
 * pictures: image/png outputs in the executed copies, saved as PNG files by the runner.
 *
 * <p>Needs Debian's Jupyter packages, which {@code bin/test} (the README's test command) installs;
 * without them this test fails first thing, naming {@code bin/test} and the packages (it is not
 * skipped). See {@link Jupyter}.
 */
class NotebooksIT {
  private static final Path ROOT = root();
  private static final Path EXECUTED = ROOT.resolve("target/notebooks/executed");

  /** The plotting notebooks and how many pictures each must show. */
  private static final Map<String, Integer> PICTURES =
      Map.of("01-quickstart", 1, "03-performance", 1, "04-long-documents-and-colbert", 2);

  private static Path root() {
    String p = System.getProperty("modernbert.root");
    Path r = p != null && !p.isBlank() ? Path.of(p) : Path.of("").toAbsolutePath().getParent();
    return r.toAbsolutePath().normalize();
  }

  @Test
  void everyNotebookRunsWithoutErrorsAndDrawsItsPlots() throws Exception {
    Jupyter.require("NotebooksIT");
    Path launcher = ROOT.resolve("bin/modernbert-notebook");
    assertTrue(Files.isExecutable(launcher), "no executable " + launcher);
    deleteTree(EXECUTED);

    Path log = Files.createTempFile("notebooks-it", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(launcher.toString(), "--execute", "notebooks")
            .directory(ROOT.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    long t0 = System.nanoTime();
    Process process = pb.start();
    if (!process.waitFor(40, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("notebooks did not finish in 40 minutes; output:\n" + tail(log));
    }
    int rc = process.exitValue();
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.printf(
        "bin/modernbert-notebook --execute notebooks: exit %d in %.1f s%n%s%n",
        rc, (System.nanoTime() - t0) / 1e9, output);
    if (rc == 3) { // the launcher's own check (see Jupyter) failed
      fail(
          "bin/modernbert-notebook found no Jupyter on this machine:\n"
              + output
              + "\n"
              + Jupyter.howToInstall());
    }
    assertEquals(0, rc, "a notebook failed:\n" + tail(log));

    List<String> notebooks = new ArrayList<>();
    try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
      files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.endsWith(".ipynb"))
          .sorted()
          .forEach(notebooks::add);
    }
    assertTrue(
        notebooks.containsAll(PICTURES.keySet().stream().map(s -> s + ".ipynb").toList()),
        "expected the plotting notebooks " + PICTURES.keySet() + ", found " + notebooks);
    for (String name : notebooks) {
      Path executed = EXECUTED.resolve(name);
      assertTrue(Files.isRegularFile(executed), "no executed copy " + executed);
      String json = Files.readString(executed, StandardCharsets.UTF_8);
      assertTrue(json.contains("\"execution_count\": 1"), name + " was not executed");
      assertTrue(!json.contains("\"output_type\": \"error\""), name + " has an error output");
    }
    for (Map.Entry<String, Integer> plots : PICTURES.entrySet()) {
      String stem = plots.getKey();
      String json = Files.readString(EXECUTED.resolve(stem + ".ipynb"), StandardCharsets.UTF_8);
      assertTrue(json.contains("\"image/png\""), stem + ".ipynb has no image/png output");
      Path images = EXECUTED.resolve(stem + "-images");
      try (Stream<Path> pngs = Files.list(images)) {
        List<Path> files = pngs.filter(f -> f.toString().endsWith(".png")).toList();
        assertTrue(
            files.size() >= plots.getValue(),
            images + " holds " + files.size() + " PNG(s), expected " + plots.getValue());
        for (Path png : files) {
          byte[] head = head(png);
          assertTrue(
              head.length == 8 && head[1] == 'P' && head[2] == 'N' && head[3] == 'G',
              png + " is not a PNG");
          assertTrue(Files.size(png) > 2000, png + " is suspiciously small");
        }
      }
    }
  }

  /** The committed notebooks keep no outputs (no binary blobs in git). */
  @Test
  void committedNotebooksHaveNoOutputs() throws IOException {
    try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
      for (Path nb : files.filter(f -> f.toString().endsWith(".ipynb")).toList()) {
        String json = Files.readString(nb, StandardCharsets.UTF_8);
        assertTrue(!json.contains("\"output_type\""), nb + " has outputs: clear them");
        assertTrue(!json.contains("image/png"), nb + " holds an image: clear its outputs");
      }
    }
  }

  private static byte[] head(Path p) throws IOException {
    try (var in = Files.newInputStream(p)) {
      return in.readNBytes(8);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(p);
      }
    }
  }
}
