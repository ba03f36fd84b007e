package dev.modernbert.spark.executor;

import dev.modernbert.encoder.hub.HubException;
import dev.modernbert.encoder.source.ModelSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * The Spark side of a {@link ModelSource}: the driver's checks, and the local checkpoint folder on
 * the executor.
 *
 * <ul>
 *   <li>{@code demo}, a local folder (it must exist on every executor) and a Hugging Face Hub id:
 *       {@link ModelSource#localize}. The driver pins a Hub id to a commit ({@link #pin}, called
 *       where a stage or SQL function builds its {@link StageSpec}), and each executor loads
 *       exactly that commit from its own Hugging Face cache, downloading what is missing once per
 *       executor unless {@code HF_HUB_OFFLINE} is set there.
 *   <li>A {@link ModelSource.HadoopUri} ({@code hdfs://}, {@code s3a://}, {@code gs://}, {@code
 *       abfs://}, {@code file://}, ...): copied through Hadoop's FileSystem into the local cache
 *       directory, once per executor JVM (and once per machine when executors share the cache
 *       directory). The copy goes to a temporary folder which is then renamed atomically, so a
 *       half-copied folder is never used. The cache folder's name carries a fingerprint of the
 *       source (names, sizes, modification times), so a changed checkpoint is copied again.
 * </ul>
 *
 * The cache directory is {@code -Dmodernbert.spark.cacheDir}, else {@code $MODERNBERT_SPARK_CACHE},
 * else {@code java.io.tmpdir/modernbert-spark-cache-USER}.
 */
public final class ModelFiles {
  private static final AtomicLong COPIES = new AtomicLong();
  private static final Map<ModelSource, Path> RESOLVED = new ConcurrentHashMap<>();
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private ModelFiles() {}

  /** Remote copies made by this JVM. */
  public static long copies() {
    return COPIES.get();
  }

  /**
   * On the driver: {@code model} with a Hub revision (a branch or tag) replaced by the commit it is
   * at now, {@code hf://org/name@<commit>}, so that every executor loads that one commit and a
   * cluster never mixes revisions; any other source is returned as is.
   *
   * @throws IllegalArgumentException naming the repository, revision and file when the id cannot be
   *     resolved (not found, gated, offline and not cached)
   */
  public static ModelSource pin(ModelSource model) {
    try {
      return model.pinned();
    } catch (HubException e) {
      throw new IllegalArgumentException("modelPath " + model.spec() + ": " + e.getMessage(), e);
    }
  }

  /**
   * On the driver, before anything runs: the model is there. A Hadoop URI's folder exists and has a
   * {@code config.json} (through {@code conf}'s FileSystem); the rest as {@link
   * ModelSource#checkOnDriver} checks them. Reads no weights.
   *
   * @return the source, a Hub id pinned to its commit
   * @throws IllegalArgumentException naming the problem and the fix
   */
  public static ModelSource checkOnDriver(ModelSource model, Configuration conf) {
    if (!(model instanceof ModelSource.HadoopUri remote)) {
      try {
        return model.checkOnDriver();
      } catch (HubException e) {
        throw new IllegalArgumentException(e.getMessage(), e);
      }
    }
    try {
      org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(remote.uri());
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw new IllegalArgumentException("the model path does not exist");
      }
      if (!fs.exists(new org.apache.hadoop.fs.Path(p, "config.json"))) {
        throw new IllegalArgumentException("no config.json there (it must be a checkpoint folder)");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot check it: " + e.getMessage(), e);
    }
    return model;
  }

  public static Path cacheRoot() {
    String dir = System.getProperty("modernbert.spark.cacheDir");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("MODERNBERT_SPARK_CACHE");
    }
    if (dir == null || dir.isBlank()) {
      dir =
          Path.of(
                  System.getProperty("java.io.tmpdir"),
                  "modernbert-spark-cache-" + System.getProperty("user.name", "user"))
              .toString();
    }
    return Path.of(dir).toAbsolutePath();
  }

  /** The local folder of {@code model}; Hadoop URIs are copied on first use in this JVM. */
  public static Path localize(ModelSource model, HadoopConf conf) {
    Path cached = RESOLVED.get(model);
    if (cached != null) {
      return cached;
    }
    Path local;
    if (model instanceof ModelSource.HadoopUri remote) {
      local = copyToCache(remote.uri(), conf == null ? new Configuration() : conf.get());
    } else {
      try {
        local = model.localize().toAbsolutePath();
      } catch (HubException e) {
        throw new IllegalArgumentException("modelPath " + model.spec() + ": " + e.getMessage(), e);
      }
      if (!Files.isRegularFile(local.resolve("config.json"))) {
        throw new IllegalArgumentException(
            "modelPath "
                + model.spec()
                + ": no config.json in "
                + local
                + " (a path without a scheme must be a checkpoint folder on every executor; use a"
                + " Hadoop URI such as hdfs://, s3a:// or file:// to have it copied, or a Hugging"
                + " Face Hub id org/name[@revision])");
      }
    }
    RESOLVED.put(model, local);
    return local;
  }

  private record Entry(org.apache.hadoop.fs.Path path, String relative, long length, long mtime) {}

  static Path copyToCache(URI uri, Configuration conf) {
    try {
      org.apache.hadoop.fs.Path src = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = src.getFileSystem(conf);
      if (!fs.getFileStatus(src).isDirectory()) {
        throw new IllegalArgumentException(
            "modelPath " + uri + " is not a folder (it must be a checkpoint folder)");
      }
      String base = fs.makeQualified(src).toUri().getPath();
      base = base.endsWith("/") ? base : base + "/";
      List<Entry> entries = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(src, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String p = f.getPath().toUri().getPath();
        if (!p.startsWith(base)) {
          throw new IllegalStateException("unexpected file " + f.getPath() + " under " + uri);
        }
        String rel = p.substring(base.length());
        if (rel.endsWith(".crc") || rel.startsWith("_") || rel.contains("/_")) {
          continue; // Hadoop checksums and markers (_SUCCESS, _temporary)
        }
        entries.add(new Entry(f.getPath(), rel, f.getLen(), f.getModificationTime()));
      }
      entries.sort(Comparator.comparing(Entry::relative));
      if (entries.stream().noneMatch(e -> e.relative().equals("config.json"))) {
        throw new IllegalArgumentException("modelPath " + uri + ": no config.json in the folder");
      }
      Path root = cacheRoot();
      Path target = root.resolve(folderName(uri, entries));
      if (Files.isDirectory(target)) {
        return target; // complete: only whole copies are ever renamed into place
      }
      synchronized (LOCKS.computeIfAbsent(target, k -> new Object())) {
        if (Files.isDirectory(target)) {
          return target;
        }
        Files.createDirectories(root);
        Path tmp = Files.createTempDirectory(root, ".partial-");
        try {
          for (Entry e : entries) {
            Path dest = tmp.resolve(e.relative()).normalize();
            if (!dest.startsWith(tmp)) {
              throw new IllegalStateException(
                  "refusing to copy " + e.relative() + " outside " + tmp);
            }
            Files.createDirectories(dest.getParent());
            try (InputStream in = fs.open(e.path())) {
              Files.copy(in, dest);
            }
            if (Files.size(dest) != e.length()) {
              throw new IOException(
                  "copied "
                      + Files.size(dest)
                      + " bytes of "
                      + e.path()
                      + ", expected "
                      + e.length());
            }
          }
          try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            COPIES.incrementAndGet();
          } catch (FileAlreadyExistsException
              | DirectoryNotEmptyException
              | AtomicMoveNotSupportedException e) {
            if (!Files.isDirectory(target)) {
              throw e;
            }
            // another executor on this machine won the race; its copy is identical
          }
        } finally {
          deleteTree(tmp);
        }
        return target;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy model " + uri + ": " + e.getMessage(), e);
    }
  }

  private static String folderName(URI uri, List<Entry> entries) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(uri.toString().getBytes(StandardCharsets.UTF_8));
      for (Entry e : entries) {
        sha.update(
            ("\n" + e.relative() + "\t" + e.length() + "\t" + e.mtime())
                .getBytes(StandardCharsets.UTF_8));
      }
      String hash = HexFormat.of().formatHex(sha.digest()).substring(0, 16);
      String name = new org.apache.hadoop.fs.Path(uri).getName().replaceAll("[^A-Za-z0-9._-]", "_");
      return (name.isEmpty() ? "model" : name) + "-" + hash;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
