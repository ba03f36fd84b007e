package dev.modernbert.spark.executor;

import dev.modernbert.encoder.ModernBertEncoder;
import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.encoder.hub.HubException;
import dev.modernbert.encoder.hub.HubId;
import dev.modernbert.encoder.hub.ModelLocation;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
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
 * Turns a {@code modelPath} into a local checkpoint folder on the executor.
 *
 * <ul>
 *   <li>{@code demo}: the generated demo model.
 *   <li>A path without a URI scheme: used in place (it must exist on every executor).
 *   <li>A Hugging Face Hub id ({@code org/name[@revision]} that is not a local path, or {@code
 *       hf://org/name[@revision]}): the driver pins it to a commit ({@link #pin}, called where a
 *       stage or SQL function builds its {@link StageSpec}), and each executor loads exactly that
 *       commit from its own Hugging Face cache, downloading what is missing once per executor
 *       unless {@code HF_HUB_OFFLINE} is set there.
 *   <li>Any URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code gs://}, {@code abfs://},
 *       {@code file://}, ...): copied through Hadoop's FileSystem into the local cache directory,
 *       once per executor JVM (and once per machine when executors share the cache directory). The
 *       copy goes to a temporary folder which is then renamed atomically, so a half-copied folder
 *       is never used. The cache folder's name carries a fingerprint of the source (names, sizes,
 *       modification times), so a changed checkpoint is copied again.
 * </ul>
 *
 * The cache directory is {@code -Dmodernbert.spark.cacheDir}, else {@code $MODERNBERT_SPARK_CACHE},
 * else {@code java.io.tmpdir/modernbert-spark-cache-USER}.
 */
public final class ModelFiles {
  private static final AtomicLong COPIES = new AtomicLong();
  private static final Map<String, Path> RESOLVED = new ConcurrentHashMap<>();
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private ModelFiles() {}

  /** Remote copies made by this JVM. */
  public static long copies() {
    return COPIES.get();
  }

  /** True for a path that is copied through Hadoop's FileSystem (it has a URI scheme). */
  public static boolean isRemote(String modelPath) {
    if (modelPath == null || DemoModel.NAME.equals(modelPath) || HubId.isExplicit(modelPath)) {
      return false;
    }
    try {
      String scheme = new URI(modelPath).getScheme();
      return scheme != null && scheme.length() > 1; // "C:" is a Windows drive, not a scheme
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /** True for a Hugging Face Hub id (not {@code demo}, not a local path that exists here). */
  public static boolean isHubId(String modelPath) {
    return modelPath != null
        && !DemoModel.NAME.equals(modelPath)
        && !isRemote(modelPath)
        && ModelLocation.hubId(modelPath).isPresent();
  }

  /**
   * On the driver: {@code modelPath} with a Hub revision (a branch or tag) replaced by the commit
   * it is at now, {@code hf://org/name@<commit>}, so that every executor loads that one commit and
   * a cluster never mixes revisions; any other path is returned as is.
   *
   * @throws IllegalArgumentException naming the repository, revision and file when the id cannot be
   *     resolved (not found, gated, offline and not cached)
   */
  public static String pin(String modelPath) {
    if (!isHubId(modelPath)) {
      return modelPath;
    }
    try {
      return ModelLocation.pin(modelPath);
    } catch (HubException e) {
      throw new IllegalArgumentException("modelPath " + modelPath + ": " + e.getMessage(), e);
    }
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

  /** The local folder of {@code modelPath}; remote paths are copied on first use in this JVM. */
  public static Path localize(String modelPath, HadoopConf conf) {
    Path cached = RESOLVED.get(modelPath);
    if (cached != null) {
      return cached;
    }
    Path local;
    if (!isRemote(modelPath)) {
      try {
        local = ModernBertEncoder.resolveModel(modelPath).toAbsolutePath();
      } catch (HubException e) {
        throw new IllegalArgumentException("modelPath " + modelPath + ": " + e.getMessage(), e);
      }
      if (!Files.isRegularFile(local.resolve("config.json"))) {
        throw new IllegalArgumentException(
            "modelPath "
                + modelPath
                + ": no config.json in "
                + local
                + " (a path without a scheme must be a checkpoint folder on every executor; use a"
                + " Hadoop URI such as hdfs://, s3a:// or file:// to have it copied, or a Hugging"
                + " Face Hub id org/name[@revision])");
      }
    } else {
      local = copyToCache(URI.create(modelPath), conf == null ? new Configuration() : conf.get());
    }
    RESOLVED.put(modelPath, local);
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
