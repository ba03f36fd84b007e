package dev.modernbert.encoder.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.UUID;

/**
 * The Hugging Face cache layout, shared with Python tools (huggingface_hub's {@code
 * hf_hub_download}):
 *
 * <pre>
 * models--org--name/
 *   refs/&lt;revision&gt;                  the commit a branch or tag was last seen at
 *   blobs/&lt;etag&gt;                     file contents, named by git sha1 or LFS sha256
 *   snapshots/&lt;commit&gt;/&lt;file&gt;        relative symlink to ../../blobs/&lt;etag&gt;
 *   .no_exist/&lt;commit&gt;/&lt;file&gt;        empty marker: the file is not in that commit
 * .locks/models--org--name/&lt;etag&gt;.lock
 * </pre>
 *
 * A blob is written as {@code <etag>.incomplete} and renamed when whole, so a half-downloaded file
 * is never linked or read.
 */
final class HubCache {
  static final String INCOMPLETE = ".incomplete";
  private final Path root;

  HubCache(Path root) {
    this.root = root;
  }

  Path repoDir(HubId id) {
    return root.resolve(id.folderName());
  }

  /** The commit {@code refs/<revision>} records, if any. */
  Optional<String> ref(Path repoDir, String revision) {
    Path ref = repoDir.resolve("refs").resolve(revision);
    if (!Files.isRegularFile(ref)) {
      return Optional.empty();
    }
    try {
      String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
      return HubId.isCommit(commit) ? Optional.of(commit) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ref, e);
    }
  }

  /** Records that {@code revision} is at {@code commit} (nothing for a commit revision). */
  void writeRef(Path repoDir, String revision, String commit) {
    if (revision.equals(commit) || ref(repoDir, revision).filter(commit::equals).isPresent()) {
      return; // unchanged: a read-only cache that is up to date still works
    }
    Path ref = repoDir.resolve("refs").resolve(revision);
    try {
      Files.createDirectories(ref.getParent());
      Path tmp = Files.createTempFile(ref.getParent(), ".ref-", ".tmp");
      Files.writeString(tmp, commit, StandardCharsets.UTF_8);
      move(tmp, ref);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + ref, e);
    }
  }

  Path snapshotDir(Path repoDir, String commit) {
    return repoDir.resolve("snapshots").resolve(commit);
  }

  Path pointer(Path repoDir, String commit, String file) {
    return snapshotDir(repoDir, commit).resolve(file);
  }

  /** True when {@code pointer} leads to a whole file (a blob, never an {@code .incomplete} one). */
  boolean cached(Path pointer) {
    if (!Files.isRegularFile(pointer)) {
      return false;
    }
    try {
      return !pointer.toRealPath().getFileName().toString().endsWith(INCOMPLETE);
    } catch (IOException e) {
      return false;
    }
  }

  boolean noExist(Path repoDir, String commit, String file) {
    return Files.isRegularFile(repoDir.resolve(".no_exist").resolve(commit).resolve(file));
  }

  /** Marks {@code file} absent at {@code commit}, as huggingface_hub does after a 404. */
  void markNoExist(Path repoDir, String commit, String file) {
    Path marker = repoDir.resolve(".no_exist").resolve(commit).resolve(file);
    try {
      Files.createDirectories(marker.getParent());
      if (!Files.exists(marker)) {
        Files.createFile(marker);
      }
    } catch (FileAlreadyExistsException e) {
      // another process marked it
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + marker, e);
    }
  }

  Path blob(Path repoDir, String etag) {
    return repoDir.resolve("blobs").resolve(etag);
  }

  Path incomplete(Path blob) {
    return blob.resolveSibling(blob.getFileName() + INCOMPLETE);
  }

  Path lockFile(HubId id, String etag) {
    return root.resolve(".locks").resolve(id.folderName()).resolve(etag + ".lock");
  }

  /** Moves a whole download into place. */
  void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Points {@code pointer} at {@code blob} with a relative symlink (a copy where none can be). */
  void link(Path pointer, Path blob) throws IOException {
    if (cached(pointer)) {
      return; // linked already (another task or process); never unlink what a reader may use
    }
    Files.createDirectories(pointer.getParent());
    Path target = pointer.getParent().relativize(blob);
    Path tmp = pointer.resolveSibling(".link-" + UUID.randomUUID() + ".tmp");
    try {
      Files.createSymbolicLink(tmp, target);
      // rename(2) replaces a dangling link atomically: the pointer is never missing meanwhile
      Files.move(tmp, pointer, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (UnsupportedOperationException | FileSystemException e) {
      Files.deleteIfExists(tmp);
      if (cached(pointer)) {
        return;
      }
      Path copy = Files.createTempFile(pointer.getParent(), ".copy-", ".tmp");
      Files.copy(blob, copy, StandardCopyOption.REPLACE_EXISTING);
      move(copy, pointer);
    }
  }
}
