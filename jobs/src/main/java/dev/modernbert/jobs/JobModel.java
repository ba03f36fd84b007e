package dev.modernbert.jobs;

import dev.modernbert.encoder.source.ModelSource;
import dev.modernbert.spark.executor.ModelFiles;
import org.apache.hadoop.conf.Configuration;

/** {@code --model}, checked on the driver before anything runs. */
final class JobModel {
  private JobModel() {}

  static void checkModel(String model, Configuration conf) {
    try {
      ModelFiles.checkOnDriver(ModelSource.parse(model), conf);
    } catch (IllegalArgumentException e) {
      throw JobException.usage("--model " + model + ": " + e.getMessage());
    }
  }
}
