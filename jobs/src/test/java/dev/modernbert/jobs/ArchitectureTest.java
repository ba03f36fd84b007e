package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.PackageGraph;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/** The job drives Spark stages; tensors and the model stay inside the encoder. */
class ArchitectureTest {
  @Test
  void theJobNeverSeesTensors() {
    PackageGraph graph = PackageGraph.of(Path.of("target", "classes"));
    assertEquals(Set.of(), graph.dependenciesOn("dev.modernbert.jobs", "ai.djl"));
    assertEquals(
        Set.of(), graph.dependenciesOn("dev.modernbert.jobs", "dev.modernbert.encoder.model"));
  }

  /**
   * The job reads top to bottom: {@code EmbedJob} checks and dispatches, the batch and streaming
   * runs use the pieces below them, and nothing calls up into {@code EmbedJob} or across between
   * the two runs.
   */
  @Test
  void noClassCallsUpIntoTheJobOrAcrossBetweenRuns() {
    Set<String> edges = classEdges();
    assertEquals(Set.of(), callersOf(edges, "EmbedJob", "EmbedJob"));
    assertEquals(Set.of("EmbedJob"), callersOf(edges, "BatchRun", "BatchRun"));
    assertEquals(Set.of("EmbedJob"), callersOf(edges, "CheckpointRun", "CheckpointRun"));
  }

  /** The job's classes (outside {@code self} and its nested classes) that depend on {@code to}. */
  private static Set<String> callersOf(Set<String> edges, String to, String self) {
    Set<String> from = new TreeSet<>();
    for (String e : edges) {
      String[] ft = e.split(" -> ");
      String target = ft[1].replaceAll("\\$.*", "");
      String source = ft[0].replaceAll("\\$.*", "");
      if (target.equals(to) && !source.equals(self)) {
        from.add(source);
      }
    }
    return from;
  }

  /**
   * "From -> To" for each class of the job that uses another (simple names), as jdeps sees them.
   */
  private static Set<String> classEdges() {
    StringWriter out = new StringWriter();
    int rc =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("no jdeps in this JDK"))
            .run(
                new PrintWriter(out),
                new PrintWriter(out),
                "-verbose:class",
                "-filter:none",
                Path.of("target", "classes").toString());
    assertEquals(0, rc, out.toString());
    String pkg = "dev.modernbert.jobs.";
    Set<String> edges = new TreeSet<>();
    for (String line : out.toString().lines().toList()) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 3
          && parts[1].equals("->")
          && parts[0].startsWith(pkg)
          && parts[2].startsWith(pkg)) {
        edges.add(parts[0].substring(pkg.length()) + " -> " + parts[2].substring(pkg.length()));
      }
    }
    assertTrue(edges.contains("BatchRun -> JobSummary"), "jdeps output changed:\n" + out);
    return edges;
  }
}
