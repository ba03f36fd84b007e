package dev.modernbert.encoder.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * An output file written in full or not at all: lines go to a hidden temporary file next to the
 * target, which {@link #commit()} moves into place atomically. Closing without a commit deletes the
 * temporary file, so a failed run leaves no output behind.
 */
final class AtomicOutput implements AutoCloseable {
  private final Path target;
  private final Path tmp;
  private final Writer writer;
  private boolean done;

  private AtomicOutput(Path target, Path tmp, Writer writer) {
    this.target = target;
    this.tmp = tmp;
    this.writer = writer;
  }

  static AtomicOutput create(Path target) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    Writer w =
        new BufferedWriter(
            new OutputStreamWriter(
                Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW), StandardCharsets.UTF_8),
            1 << 16);
    tmp.toFile().deleteOnExit(); // on Ctrl-C; a no-op once the file has been moved
    return new AtomicOutput(target, tmp, w);
  }

  Writer writer() {
    return writer;
  }

  /** Flushes, closes and moves the file into place. */
  void commit() throws IOException {
    writer.close();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    done = true;
  }

  @Override
  public void close() {
    if (done) {
      return;
    }
    try {
      writer.close();
    } catch (IOException ignored) {
      // the file is deleted anyway
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // best effort: it is a hidden .tmp file
    }
  }
}
