package dev.modernbert.jobs;

import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.spark.executor.ModelFiles;
import java.io.IOException;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** {@code --model}, checked on the driver before anything runs. */
final class JobModel {
  private JobModel() {}

  static void checkModel(String model, Configuration conf) {
    if (DemoModel.NAME.equals(model)) {
      return;
    }
    if (ModelFiles.isHubId(model)) {
      try {
        ModelFiles.pin(model); // the repository and revision exist (or are cached, offline)
      } catch (IllegalArgumentException e) {
        throw JobException.usage("--model " + model + ": " + e.getMessage());
      }
      return;
    }
    try {
      if (ModelFiles.isRemote(model)) {
        Path p = new Path(model);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
          throw JobException.usage("--model " + model + ": the model path does not exist");
        }
        if (!fs.exists(new Path(p, "config.json"))) {
          throw JobException.usage(
              "--model " + model + ": no config.json there (it must be a checkpoint folder)");
        }
      } else {
        java.nio.file.Path p = java.nio.file.Path.of(model);
        if (!Files.exists(p)) {
          throw JobException.usage(
              "--model "
                  + model
                  + ": the model path does not exist (a local path must exist on the driver and"
                  + " every executor; use a Hadoop URI such as hdfs:// or file:// to have it"
                  + " copied, or demo)");
        }
        if (!Files.isRegularFile(p.resolve("config.json"))) {
          throw JobException.usage(
              "--model " + model + ": no config.json there (it must be a checkpoint folder)");
        }
      }
    } catch (IOException e) {
      throw JobException.usage("--model " + model + ": cannot check it: " + e.getMessage());
    }
  }
}
