package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.modernbert.encoder.testing.PackageGraph;
import java.nio.file.Path;
import java.util.Set;
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
}
