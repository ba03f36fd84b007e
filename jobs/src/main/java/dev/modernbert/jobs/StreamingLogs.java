package dev.modernbert.jobs;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Read-only looks at the logs Structured Streaming keeps: the checkpoint's commit log ({@code
 * commits/N}: micro-batch N is done) and the file source's log ({@code sources/0/N}, compacted into
 * {@code N.compact}: a {@code v1} line, then one JSON entry {@code {"path","timestamp","batchId"}}
 * per input file), and whether a folder holds a file sink's log ({@code _spark_metadata}).
 */
final class StreamingLogs {
  static final String SINK_LOG = "_spark_metadata";

  private StreamingLogs() {}

  /** The last micro-batch the checkpoint committed, or -1. */
  static long lastCommittedBatch(Path checkpoint, Configuration conf) {
    long last = -1;
    for (FileStatus st : list(new Path(checkpoint, "commits"), conf)) {
      String n = st.getPath().getName();
      if (n.matches("\\d+")) {
        last = Math.max(last, Long.parseLong(n));
      }
    }
    return last;
  }

  /** True when the checkpoint holds Spark's files (a query ran with it). */
  static boolean hasQuery(Path checkpoint, Configuration conf) {
    return exists(new Path(checkpoint, "metadata"), conf)
        || exists(new Path(checkpoint, "offsets"), conf);
  }

  static boolean hasSinkLog(String output, Configuration conf) {
    return exists(new Path(new Path(output), SINK_LOG), conf);
  }

  /** The input files the file source logged for micro-batches after {@code afterBatch}. */
  static Set<String> sourceFilesAfter(Path checkpoint, long afterBatch, Configuration conf) {
    Path dir = new Path(checkpoint, "sources/0");
    long lastCompact = -1;
    for (FileStatus st : list(dir, conf)) {
      String n = st.getPath().getName();
      if (n.matches("\\d+\\.compact")) {
        lastCompact = Math.max(lastCompact, Long.parseLong(n.substring(0, n.indexOf('.'))));
      }
    }
    Set<String> files = new LinkedHashSet<>();
    for (FileStatus st : list(dir, conf)) {
      String n = st.getPath().getName();
      boolean compact = n.equals(lastCompact + ".compact");
      if (compact || (n.matches("\\d+") && Long.parseLong(n) > lastCompact)) {
        read(st.getPath(), afterBatch, files, conf);
      }
    }
    return files;
  }

  private static void read(Path log, long afterBatch, Set<String> files, Configuration conf) {
    try (BufferedReader r =
        new BufferedReader(
            new InputStreamReader(log.getFileSystem(conf).open(log), StandardCharsets.UTF_8))) {
      String line = r.readLine(); // the version line
      while ((line = r.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonObject e = JsonParser.parseString(line).getAsJsonObject();
        if (e.get("batchId").getAsLong() > afterBatch) {
          files.add(e.get("path").getAsString());
        }
      }
    } catch (IOException | RuntimeException e) {
      throw new JobException(
          JobException.FAILURE, "cannot read the file source log " + log + ": " + e, e);
    }
  }

  private static FileStatus[] list(Path dir, Configuration conf) {
    try {
      FileSystem fs = dir.getFileSystem(conf);
      return fs.exists(dir) ? fs.listStatus(dir) : new FileStatus[0];
    } catch (IOException e) {
      throw new JobException(JobException.FAILURE, "cannot list " + dir + ": " + e, e);
    }
  }

  private static boolean exists(Path p, Configuration conf) {
    try {
      return p.getFileSystem(conf).exists(p);
    } catch (IOException e) {
      throw new JobException(JobException.FAILURE, "cannot check " + p + ": " + e, e);
    }
  }
}
