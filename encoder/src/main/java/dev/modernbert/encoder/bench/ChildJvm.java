package dev.modernbert.encoder.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a benchmark measurement in a child JVM with this JVM's options and class path, so its peak
 * RSS is its own; the child prints one {@code RESULT key=value ...} line.
 */
final class ChildJvm {
  private ChildJvm() {}

  /** The child's RESULT lines (echoed to stdout; one per line), or {@code FAILED rc=N}. */
  static String result(Class<?> main, List<String> args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java));
    cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
    cmd.addAll(args);
    System.err.println("bench: running " + String.join(" ", args) + " ...");
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(p.getInputStream().readAllBytes());
    int rc = p.waitFor();
    List<String> lines = out.lines().filter(l -> l.startsWith("RESULT")).toList();
    String result = lines.isEmpty() ? "FAILED rc=" + rc : String.join("\n", lines);
    System.out.println(result);
    return result;
  }

  /** The value of {@code name=} in a RESULT line (the first of several), or null. */
  static Double field(String line, String name) {
    if (line == null) {
      return null;
    }
    for (String part : line.split("\\s+")) {
      if (part.startsWith(name + "=")) {
        return Double.parseDouble(part.substring(name.length() + 1));
      }
    }
    return null;
  }
}
