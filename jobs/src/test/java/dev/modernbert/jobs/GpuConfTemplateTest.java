package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.spark.SparkConf;
import org.apache.spark.network.util.JavaUtils;
import org.apache.spark.resource.ResourceRequirement;
import org.apache.spark.resource.ResourceUtils;
import org.junit.jupiter.api.Test;

/**
 * conf/spark-defaults.gpu.conf read as spark-submit reads a properties file, and its GPU share
 * parsed by Spark itself: one GPU per executor shared by one task per core, 6-8 cores per GPU, the
 * Kubernetes vendor, and at least 6g of memory overhead for the CUDA libraries and context.
 */
class GpuConfTemplateTest {
  static final Path TEMPLATE = Path.of("..", "conf", "spark-defaults.gpu.conf");

  @Test
  void oneGpuPerExecutorSharedByEachOfItsSixToEightCores() throws Exception {
    SparkConf conf = load();
    assertEquals(1, conf.getInt("spark.executor.resource.gpu.amount", 0));
    int cores = conf.getInt("spark.executor.cores", 0);
    assertTrue(cores >= 6 && cores <= 8, "executor cores " + cores + ", want 6-8 per GPU");
    // Spark's own parsing of the task amount: a fraction must give a whole number of parts
    ResourceRequirement gpu =
        ResourceUtils.parseResourceRequirements(conf, "spark.task")
            .find(r -> r.resourceName().equals("gpu"))
            .get();
    assertEquals(1, gpu.amount());
    assertEquals(cores, gpu.numParts(), "tasks per GPU should equal the executor's cores");
  }

  @Test
  void kubernetesVendorAndMemoryOverheadForCuda() throws Exception {
    SparkConf conf = load();
    assertEquals("nvidia.com", conf.get("spark.executor.resource.gpu.vendor", ""));
    long overheadMb = JavaUtils.byteStringAsMb(conf.get("spark.executor.memoryOverhead", "0m"));
    assertTrue(overheadMb >= 6 * 1024, "memoryOverhead " + overheadMb + " MiB, want at least 6g");
  }

  private static SparkConf load() throws Exception {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(TEMPLATE, StandardCharsets.UTF_8)) {
      p.load(r); // as spark-submit --properties-file: "key   value" lines, # comments
    }
    SparkConf conf = new SparkConf(false);
    for (String key : p.stringPropertyNames()) {
      conf.set(key, p.getProperty(key).trim());
    }
    return conf;
  }
}
