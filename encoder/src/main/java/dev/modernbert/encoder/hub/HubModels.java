package dev.modernbert.encoder.hub;

import dev.modernbert.encoder.hub.HubClient.FileMetadata;
import dev.modernbert.encoder.hub.HubException.Kind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models from the Hugging Face Hub, through the cache Python tools use. {@link #pin} turns a branch
 * or tag into the commit it is at (one {@code HEAD}; offline, the cache's {@code refs/}); {@link
 * #snapshot} gets the files {@link ModelManifest} lists at that commit, each from the cache when
 * there and else downloaded (unless offline), and returns {@code snapshots/<commit>/}. As {@code
 * snapshot_download} does, every file is fetched at the pinned commit, so a branch that moves
 * meanwhile never mixes two commits.
 */
public final class HubModels {
  private static final Map<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final HubEnvironment env;
  private final HubCache cache;
  private final HubClient client;

  public HubModels(HubEnvironment env) {
    this.env = env;
    this.cache = new HubCache(env.cacheDir());
    this.client = new HubClient(env);
  }

  /** With this process's settings ({@link HubEnvironment#system()}). */
  public static HubModels system() {
    return new HubModels(HubEnvironment.system());
  }

  /**
   * {@code id} at the 40-hex commit its revision is at now. A commit is returned as is, with no
   * request; offline, or when the Hub cannot be reached, the commit {@code refs/<revision>}
   * recorded; else the {@code X-Repo-Commit} of a {@code HEAD} of {@code config.json}, which is
   * recorded in {@code refs/<revision>}.
   */
  public HubId pin(HubId id) {
    if (id.pinned()) {
      return id;
    }
    Path repoDir = cache.repoDir(id);
    if (env.offline()) {
      return cache
          .ref(repoDir, id.revision())
          .map(id::at)
          .orElseThrow(() -> offline(id.toString(), "refs/" + id.revision()));
    }
    String commit;
    try {
      commit = client.head(id, ModelManifest.CONFIG, id.toString()).commit();
    } catch (HubException e) {
      if (e.kind() == Kind.NETWORK) {
        Optional<String> known = cache.ref(repoDir, id.revision());
        if (known.isPresent()) {
          return id.at(known.get()); // huggingface_hub too falls back to the cache when offline
        }
      }
      if (e.kind() != Kind.ENTRY_NOT_FOUND || e.repoCommit() == null) {
        throw e;
      }
      // no config.json at the root (a sentence-transformers folder may keep it elsewhere)
      commit = e.repoCommit();
      cache.markNoExist(repoDir, commit, ModelManifest.CONFIG);
    }
    cache.writeRef(repoDir, id.revision(), commit);
    return id.at(commit);
  }

  /** The local folder of {@code id}: {@code snapshots/<commit>/} with every file it needs. */
  public Path snapshot(HubId id) {
    HubId pinned = pin(id);
    String commit = pinned.revision();
    String what = id.pinned() ? id.toString() : id + " (commit " + commit + ")";
    Path repoDir = cache.repoDir(id);
    ModelManifest.fetch(
        new ModelManifest.Source() {
          @Override
          public Optional<Path> get(String file, boolean required) {
            return fetch(pinned, repoDir, file, required, what);
          }

          @Override
          public boolean unknown(String file) {
            // offline, a file neither cached nor marked absent may well be in the repository
            return env.offline()
                && !cache.cached(cache.pointer(repoDir, commit, file))
                && !cache.noExist(repoDir, commit, file);
          }
        },
        what);
    return cache.snapshotDir(repoDir, commit);
  }

  private Optional<Path> fetch(
      HubId pinned, Path repoDir, String file, boolean required, String what) {
    String commit = pinned.revision();
    Path pointer = cache.pointer(repoDir, commit, file);
    if (cache.cached(pointer)) {
      return Optional.of(pointer);
    }
    if (cache.noExist(repoDir, commit, file)) {
      if (required) {
        throw new HubException(
            Kind.ENTRY_NOT_FOUND,
            what
                + ": "
                + file
                + " is not in the repository (the cache's .no_exist/"
                + commit
                + "/ records it as missing)");
      }
      return Optional.empty();
    }
    if (env.offline()) {
      if (Files.exists(pointer, LinkOption.NOFOLLOW_LINKS)) {
        // the snapshot links it, so the repository has it: the cache lost its blob
        throw offline(what, file, " (its snapshot link " + pointer + " leads to no whole file)");
      }
      if (required) {
        throw offline(what, file);
      }
      return Optional.empty();
    }
    FileMetadata m;
    try {
      m = client.head(pinned, file, what);
    } catch (HubException e) {
      if (e.kind() == Kind.ENTRY_NOT_FOUND) {
        if (e.repoCommit() != null) {
          cache.markNoExist(repoDir, e.repoCommit(), file);
        }
        if (!required) {
          return Optional.empty();
        }
      }
      throw e;
    }
    if (!m.commit().equals(commit)) {
      throw new HubException(
          Kind.PROTOCOL,
          what + ": asked for " + file + " at commit " + commit + ", got commit " + m.commit());
    }
    try {
      store(pinned, repoDir, m, pointer, what, file);
    } catch (IOException e) {
      throw new UncheckedIOException(what + ": cannot store " + file + " in " + repoDir, e);
    }
    return Optional.of(pointer);
  }

  /** Downloads the blob unless present (one writer per blob: JVM monitor + file lock), links it. */
  private void store(
      HubId pinned, Path repoDir, FileMetadata m, Path pointer, String what, String file)
      throws IOException {
    Path blob = cache.blob(repoDir, m.etag());
    Path lock = cache.lockFile(pinned, m.etag());
    synchronized (LOCKS.computeIfAbsent(lock, k -> new Object())) {
      Files.createDirectories(lock.getParent());
      try (FileChannel ch =
              FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock held = ch.lock()) {
        if (!Files.isRegularFile(blob)) {
          Files.createDirectories(blob.getParent());
          Path part = cache.incomplete(blob);
          // resumes a part an earlier run left; never writes more bytes than announced
          client.download(m, part, pinned, what, file);
          long size = Files.size(part);
          if (size != m.size()) { // download() returns only with the announced size
            Files.deleteIfExists(part);
            throw new HubException(
                Kind.NETWORK,
                what + ": " + file + " arrived with " + size + " bytes, expected " + m.size());
          }
          cache.move(part, blob);
        }
        cache.link(pointer, blob);
      }
    }
  }

  private HubException offline(String what, String missing) {
    return offline(what, missing, "");
  }

  private HubException offline(String what, String missing, String note) {
    return new HubException(
        Kind.OFFLINE_NOT_CACHED,
        what
            + ": "
            + missing
            + " is not in the Hugging Face cache "
            + env.cacheDir()
            + note
            + " and HF_HUB_OFFLINE is set, so it cannot be downloaded; run once online (or set"
            + " HF_HUB_CACHE / HF_HOME to the cache that holds it)");
  }
}
