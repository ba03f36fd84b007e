package dev.modernbert.jobs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobPattern;
import org.apache.hadoop.fs.Path;

/**
 * Refuses, before anything is deleted, read or computed, an {@code --output} or {@code
 * --checkpoint} that overlaps the input or each other: the same folder, one inside the other, in
 * either direction. {@code --mode overwrite} deletes its output before the (lazy) input is read, so
 * an output that is or contains the input would delete the input; an output or checkpoint inside
 * the input would be read back as input by the next run.
 *
 * <p>Locations are compared as the Hadoop FileSystem qualifies them ({@code makeQualified}: scheme,
 * authority, absolute path), normalized ({@code .} and {@code ..}), and for the local file system
 * with symbolic links resolved as far as the path exists. A glob input is compared through the
 * paths it matches now and, for a location that does not exist yet, through the pattern itself.
 */
final class PathOverlap {
  private PathOverlap() {}

  /** A location as compared: qualified URI without a trailing slash. */
  record Location(String flag, String given, URI uri) {
    String scheme() {
      return uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    }

    String authority() {
      return uri.getAuthority() == null ? "" : uri.getAuthority().toLowerCase(Locale.ROOT);
    }

    String path() {
      String p = uri.getPath() == null || uri.getPath().isEmpty() ? "/" : uri.getPath();
      return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** As given, and as compared when that differs. */
    String shown() {
      String canonical = scheme().equals("file") ? path() : scheme() + "://" + authority() + path();
      return canonical.equals(given) ? given : given + " (" + canonical + ")";
    }
  }

  /**
   * Throws a usage error when output, checkpoint (null or blank: none) and the input overlap.
   *
   * @param input the {@code --input} path or glob
   */
  static void check(String input, String output, String checkpoint, Configuration conf) {
    List<Location> inputs = new ArrayList<>();
    Path inPath = new Path(input);
    boolean glob = InputFiles.hasGlob(input);
    if (glob) {
      try {
        FileStatus[] matched = inPath.getFileSystem(conf).globStatus(inPath);
        if (matched != null) {
          for (FileStatus st : matched) {
            inputs.add(locate("--input", input, st.getPath(), conf));
          }
        }
      } catch (IOException e) {
        throw JobException.usage("--input " + input + ": cannot list it: " + e.getMessage());
      }
    } else {
      inputs.add(locate("--input", input, inPath, conf));
    }
    Location out = locate("--output", output, new Path(output), conf);
    for (Location in : inputs) {
      refuseOverlap(out, in, true);
    }
    if (glob) {
      refuseMatch(out, input, conf);
    }
    if (checkpoint != null && !checkpoint.isBlank()) {
      Location ckpt = locate("--checkpoint", checkpoint, new Path(checkpoint), conf);
      for (Location in : inputs) {
        refuseOverlap(ckpt, in, false);
      }
      if (glob) {
        refuseMatch(ckpt, input, conf);
      }
      refuseOverlap(ckpt, out, false);
    }
  }

  /** The qualified, normalized, (locally) symlink-resolved location of {@code p}. */
  static Location locate(String flag, String given, Path p, Configuration conf) {
    URI uri;
    try {
      FileSystem fs = p.getFileSystem(conf);
      uri = fs.makeQualified(p).toUri().normalize();
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.usage(flag + " " + given + ": not a usable location: " + e.getMessage());
    }
    if ("file".equalsIgnoreCase(uri.getScheme())) {
      uri = realLocal(uri);
    }
    return new Location(flag, given, uri);
  }

  /** A local path with the links of its longest existing prefix resolved. */
  private static URI realLocal(URI uri) {
    java.nio.file.Path p = java.nio.file.Path.of(uri.getPath()).toAbsolutePath().normalize();
    java.nio.file.Path existing = p;
    while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
      existing = existing.getParent();
    }
    if (existing == null) {
      return uri;
    }
    try {
      java.nio.file.Path real = existing.toRealPath().resolve(existing.relativize(p)).normalize();
      return real.toUri();
    } catch (IOException e) {
      return uri; // a dangling link or no permission: compare the path as given
    }
  }

  /** True when {@code inner} is {@code outer} or lies inside it. */
  static boolean within(Location inner, Location outer) {
    if (!inner.scheme().equals(outer.scheme()) || !inner.authority().equals(outer.authority())) {
      return false;
    }
    String i = inner.path();
    String o = outer.path();
    return i.equals(o) || o.equals("/") || i.startsWith(o + "/");
  }

  private static void refuseOverlap(Location a, Location b, boolean overwriteDeletes) {
    String relation;
    if (within(a, b) && within(b, a)) {
      relation = "is";
    } else if (within(b, a)) {
      relation = "contains";
    } else if (within(a, b)) {
      relation = "lies inside";
    } else {
      return;
    }
    String why =
        overwriteDeletes && !relation.equals("lies inside")
            ? " (--mode overwrite would delete it before reading it)"
            : relation.equals("lies inside") && b.flag().equals("--input")
                ? " (it would be read back as input)"
                : " (each would corrupt the other)";
    throw JobException.usage(
        a.flag()
            + " "
            + a.shown()
            + " "
            + relation
            + " "
            + (relation.equals("is") ? "also " : "")
            + b.flag()
            + " "
            + b.shown()
            + why
            + "; give "
            + a.flag()
            + " a folder outside "
            + b.flag()
            + ", and not above it");
  }

  /**
   * A location that does not exist yet but that the input glob would match (it, or a folder above
   * it): the next run would read it as input.
   */
  private static void refuseMatch(Location a, String input, Configuration conf) {
    Location pattern = locatePattern(input, conf);
    if (pattern == null
        || !a.scheme().equals(pattern.scheme())
        || !a.authority().equals(pattern.authority())) {
      return;
    }
    String[] pc = components(pattern.path());
    String[] ac = components(a.path());
    if (ac.length < pc.length) {
      return;
    }
    for (int k = 0; k < pc.length; k++) {
      if (!matches(pc[k], ac[k])) {
        return;
      }
    }
    throw JobException.usage(
        a.flag()
            + " "
            + a.shown()
            + " lies inside what --input "
            + input
            + " matches (it would be read back as input); give "
            + a.flag()
            + " a folder the glob does not match");
  }

  private static Location locatePattern(String input, Configuration conf) {
    try {
      Path p = new Path(input);
      FileSystem fs = p.getFileSystem(conf);
      Path q = fs.makeQualified(p);
      return new Location("--input", input, q.toUri());
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
  }

  private static boolean matches(String glob, String name) {
    if (!InputFiles.hasGlob(glob)) {
      return glob.equals(name);
    }
    try {
      return GlobPattern.compile(glob).matcher(name).matches();
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String[] components(String path) {
    return java.util.Arrays.stream(path.split("/"))
        .filter(s -> !s.isEmpty())
        .toArray(String[]::new);
  }
}
