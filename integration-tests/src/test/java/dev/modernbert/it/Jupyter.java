package dev.modernbert.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Jupyter, which the notebook tests need: {@code /usr/bin/jupyter} and {@code
 * /usr/bin/python3} with nbclient, nbformat and jupyter_client (the same check and the same {@code
 * JUPYTER} / {@code NOTEBOOK_PYTHON} overrides as {@code bin/modernbert-notebook}). {@code
 * bin/test}, the project's test command, installs it; without it these tests fail (they are not
 * skipped) with a message that says so.
 */
final class Jupyter {
  /** The Debian packages {@code bin/test} installs (as {@code .ci/run} does, through it). */
  static final List<String> PACKAGES =
      List.of(
          "jupyter-nbconvert",
          "python3-nbclient",
          "jupyter-client",
          "python3-ipykernel",
          "jupyter-core");

  private Jupyter() {}

  static Path jupyter() {
    return Path.of(env("JUPYTER", "/usr/bin/jupyter"));
  }

  static Path python() {
    return Path.of(env("NOTEBOOK_PYTHON", "/usr/bin/python3"));
  }

  private static String env(String name, String otherwise) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? otherwise : v;
  }

  /** What is missing, or null when Jupyter is there. */
  static String missing() {
    if (!Files.isExecutable(jupyter())) {
      return "no executable " + jupyter();
    }
    if (!Files.isExecutable(python())) {
      return "no executable " + python();
    }
    String check = "import nbclient, nbformat, jupyter_client";
    try {
      Path log = Files.createTempFile("jupyter-check", ".log");
      try {
        Process p =
            new ProcessBuilder(python().toString(), "-c", check)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return python() + " -c '" + check + "' did not finish in 60 s";
        }
        String out = Files.readString(log, StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : python() + " cannot " + check + ": " + lastLine(out);
      } finally {
        Files.deleteIfExists(log);
      }
    } catch (IOException e) {
      return "cannot run " + python() + ": " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while checking " + python();
    }
  }

  private static String lastLine(String s) {
    int nl = s.lastIndexOf('\n');
    return nl < 0 ? s : s.substring(nl + 1);
  }

  /** How to get Jupyter: bin/test, or the apt-get line it runs. */
  static String howToInstall() {
    String pkgs = String.join(" ", PACKAGES);
    return "Run the tests with bin/test (the README's test command: it installs Debian's "
        + pkgs
        + " with apt-get, as root or through sudo, then runs mvn -B verify), or install them"
        + " yourself, as root:\n  apt-get update && apt-get install -y "
        + pkgs;
  }

  /** Fails the calling test, naming bin/test and the packages, when Jupyter is missing. */
  static void require(String test) {
    String missing = missing();
    if (missing != null) {
      fail(
          test
              + " needs Jupyter, which is not installed on this machine ("
              + missing
              + ").\n"
              + howToInstall());
    }
  }
}
