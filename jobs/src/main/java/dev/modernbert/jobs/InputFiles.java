package dev.modernbert.jobs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/** Finds the input's data files (path, folder or glob, through Hadoop) and tells its format. */
public final class InputFiles {
  public static final List<String> FORMATS = List.of("parquet", "json", "csv", "text");

  private InputFiles() {}

  /** The data files the input names; throws a usage error when there are none. */
  public static List<Path> resolve(String input, Configuration conf) {
    Path p = new Path(input);
    try {
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matched = fs.globStatus(p);
      if (matched == null || matched.length == 0) {
        if (hasGlob(input)) {
          throw JobException.usage("--input " + input + ": no files match this glob");
        }
        throw JobException.usage("--input " + input + ": the input path does not exist");
      }
      List<Path> files = new ArrayList<>();
      for (FileStatus st : matched) {
        if (st.isDirectory()) {
          RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> it =
              fs.listFiles(st.getPath(), true);
          while (it.hasNext()) {
            Path f = it.next().getPath();
            if (isData(f)) {
              files.add(f);
            }
          }
        } else if (isData(st.getPath())) {
          files.add(st.getPath());
        }
      }
      if (files.isEmpty()) {
        throw JobException.usage(
            "--input " + input + ": no data files there (only folders or hidden/_ files)");
      }
      return files;
    } catch (IOException e) {
      throw JobException.usage("--input " + input + ": cannot list it: " + e.getMessage());
    }
  }

  static boolean hasGlob(String s) {
    return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0 || s.indexOf('{') >= 0;
  }

  private static boolean isData(Path f) {
    String n = f.getName();
    if (n.startsWith(".") || n.startsWith("_") || n.endsWith(".crc")) {
      return false;
    }
    // Skip hidden folders on the way (e.g. _temporary, .spark-staging).
    for (Path q = f.getParent(); q != null; q = q.getParent()) {
      String qn = q.getName();
      if (qn.startsWith("_") || (qn.startsWith(".") && !qn.equals(".") && !qn.equals(".."))) {
        return false;
      }
      if (q.getParent() == null) {
        break;
      }
    }
    return true;
  }

  /**
   * The Spark format: {@code --input-format} when not {@code auto} ({@code jsonl} = {@code json}),
   * else from the extensions of the files (compression suffixes ignored).
   */
  public static String format(String option, String input, List<Path> files) {
    String o = option == null ? "auto" : option.trim().toLowerCase(Locale.ROOT);
    if (!o.equals("auto")) {
      String f = normalize(o);
      if (f == null) {
        throw JobException.usage(
            "--input-format must be auto, parquet, json, jsonl, csv or text, got \""
                + option
                + "\"");
      }
      return f;
    }
    Set<String> found = new LinkedHashSet<>();
    List<String> unknown = new ArrayList<>();
    for (Path f : files) {
      String fmt = fromName(f.getName());
      if (fmt == null) {
        unknown.add(f.getName());
      } else {
        found.add(fmt);
      }
    }
    if (!unknown.isEmpty() || found.isEmpty()) {
      throw JobException.usage(
          "--input "
              + input
              + ": cannot tell the format of "
              + (unknown.isEmpty() ? "the files" : unknown.subList(0, Math.min(3, unknown.size())))
              + " from the extension (.parquet, .json, .jsonl, .csv, .txt); set --input-format");
    }
    if (found.size() > 1) {
      throw JobException.usage(
          "--input "
              + input
              + ": files of several formats "
              + found
              + "; set --input-format"
              + " or narrow the glob");
    }
    return found.iterator().next();
  }

  /** The format for a file name, or null. */
  public static String fromName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String c : List.of(".gz", ".bz2", ".zst", ".lz4", ".snappy", ".deflate", ".xz")) {
      if (n.endsWith(c)) {
        n = n.substring(0, n.length() - c.length());
        break;
      }
    }
    int dot = n.lastIndexOf('.');
    return dot < 0 ? null : normalize(n.substring(dot + 1));
  }

  private static String normalize(String ext) {
    return switch (ext) {
      case "parquet", "parq" -> "parquet";
      case "json", "jsonl", "ndjson" -> "json";
      case "csv" -> "csv";
      case "text", "txt" -> "text";
      default -> null;
    };
  }
}
