package dev.modernbert.spark.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modernbert.encoder.testing.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The Spark layer maps encoder results to columns: it never touches tensors or the model. */
class ArchitectureTest {
  private static final PackageGraph GRAPH = PackageGraph.of(Path.of("target", "classes"));

  @Test
  void theSparkLayerNeverSeesTensors() {
    assertEquals(Set.of(), GRAPH.dependenciesOn("dev.modernbert.spark", "ai.djl"));
    assertEquals(
        Set.of(), GRAPH.dependenciesOn("dev.modernbert.spark", "dev.modernbert.encoder.model"));
  }

  @Test
  void sparkPackagesHaveNoCycles() {
    assertTrue(GRAPH.dependenciesOn("dev.modernbert.spark.ml", "dev.modernbert.spark").size() > 0);
    assertEquals(List.of(), GRAPH.cycles("dev.modernbert.spark"));
  }
}
