package dev.modernbert.jobs;

import org.apache.spark.sql.SparkSession;

/** The local[1] SparkSession the job tests run jobs in: loopback only, no UI, quiet logs. */
final class LocalSpark {
  private LocalSpark() {}

  static SparkSession start(String appName) {
    SparkSession spark =
        SparkSession.builder()
            .master("local[1]")
            .appName(appName)
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    return spark;
  }
}
