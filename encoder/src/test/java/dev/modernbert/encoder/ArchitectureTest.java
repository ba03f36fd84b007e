package dev.modernbert.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modernbert.encoder.testing.PackageGraph;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ArchitectureTest {
  private static final PackageGraph GRAPH = PackageGraph.of(Path.of("target", "classes"));

  @Test
  void encoderPackagesHaveNoCycles() {
    assertEquals(List.of(), GRAPH.cycles("dev.modernbert.encoder"));
  }

  @Test
  void theModelKnowsNothingOfTasksCliOrBench() {
    assertEquals(
        Set.of(),
        GRAPH.dependenciesOn("dev.modernbert.encoder.model", "dev.modernbert.encoder.task"));
    assertEquals(
        Set.of(),
        GRAPH.dependenciesOn("dev.modernbert.encoder.model", "dev.modernbert.encoder.cli"));
    assertEquals(
        Set.of(),
        GRAPH.dependenciesOn("dev.modernbert.encoder.model", "dev.modernbert.encoder.labels"));
  }
}
