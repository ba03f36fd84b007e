package dev.modernbert.encoder.cli;

import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An output file written in full or not at all: lines go to a hidden temporary file next to the
 * target, {@code .NAME.<uuid>.tmp}, which {@link #commit()} moves into place atomically. Closing
 * without a commit deletes the temporary file, so a failed run leaves no output behind.
 *
 * <ul>
 *   <li>A symbolic link is followed: the file it points to is replaced atomically, the link stays.
 *   <li>A target that exists and is neither a regular file nor a folder (a FIFO, a character or
 *       block device) is written in place, never renamed over; a file descriptor's name ({@code
 *       /dev/stderr}, {@code /dev/fd/N}, {@code /proc/self/fd/N}) is appended to where it points;
 *       standard output ({@code --output -} or {@code /dev/stdout}) is written to. Such output is
 *       not atomic: a failed run may have written part. A regular file anywhere (also under {@code
 *       /dev/shm}) is replaced atomically.
 *   <li>The temporary file is locked while it is written. A process killed with {@code kill -9}
 *       cannot delete its own, so each run first deletes the {@code .NAME.<uuid>.tmp} files of the
 *       same output that no running process holds locked.
 * </ul>
 *
 * <p>{@link #writer()} escapes lone UTF-16 surrogates as {@code \\udXXX} (as Python's {@code
 * json.dumps} does) instead of letting the UTF-8 encoder turn them into {@code ?}: every character
 * outside a JSON string is ASCII, so a surrogate is always inside one, where the escape is exact.
 */
final class AtomicOutput implements AutoCloseable {
  /** How many symbolic links are followed before the target is refused (as Linux's ELOOP). */
  private static final int MAX_LINKS = 40;

  private static final String UUID_RE =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private final Path target;
  private final Path tmp; // null when written in place
  private final Writer writer;
  private boolean done;

  private AtomicOutput(Path target, Path tmp, Writer writer) {
    this.target = target;
    this.tmp = tmp;
    this.writer = writer;
  }

  /** The output of {@code target}, or of {@code stdout} when it is non-null. */
  static AtomicOutput create(Path target, PrintStream stdout) throws IOException {
    if (stdout != null) {
      return new AtomicOutput(target, null, writer(new KeepOpen(stdout)));
    }
    Path given = target.toAbsolutePath().normalize();
    Path file = followLinks(given);
    if (isFileDescriptor(given)) {
      // /dev/stderr, /dev/fd/N, /proc/self/fd/N: where the descriptor points, appended to (a
      // redirect's file keeps what it holds), never renamed over
      return new AtomicOutput(
          file,
          null,
          writer(Files.newOutputStream(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)));
    }
    if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
      // a FIFO or a device: renaming over it would replace it (as root, /dev/null) with a file
      return new AtomicOutput(
          file, null, writer(Files.newOutputStream(file, StandardOpenOption.WRITE)));
    }
    Path dir = file.getParent();
    sweepStale(dir, file.getFileName().toString());
    Path tmp = dir.resolve("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    FileChannel channel =
        FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    try {
      channel.tryLock(); // held until the channel closes: marks the file as in use
    } catch (IOException | RuntimeException e) {
      // a file system without locks: the file is still ours, just not protected from a sweep
    }
    tmp.toFile().deleteOnExit(); // on Ctrl-C; a no-op once the file has been moved
    return new AtomicOutput(file, tmp, writer(Channels.newOutputStream(channel)));
  }

  /** A path that names one of this process's file descriptors rather than a file. */
  static boolean isFileDescriptor(Path absolute) {
    return absolute.equals(Path.of("/dev/stdout"))
        || absolute.equals(Path.of("/dev/stderr"))
        || absolute.startsWith("/dev/fd")
        || absolute.startsWith("/proc/self/fd");
  }

  /** {@code create(target, null)}: a file. */
  static AtomicOutput create(Path target) throws IOException {
    return create(target, null);
  }

  private static Writer writer(OutputStream out) {
    return new LoneSurrogateEscaper(
        new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
  }

  /** The path {@code path} names after following its symbolic links (the last need not exist). */
  static Path followLinks(Path path) throws IOException {
    Path p = path;
    for (int i = 0; Files.isSymbolicLink(p); i++) {
      if (i == MAX_LINKS) {
        throw new IOException(path + ": too many levels of symbolic links");
      }
      Path link = Files.readSymbolicLink(p);
      if (link.toString().startsWith("pipe:") || link.toString().startsWith("socket:")) {
        return p; // /proc/self/fd/N of a pipe: opening the link itself reaches it
      }
      p = p.getParent().resolve(link);
    }
    return p;
  }

  /**
   * Deletes the temporary files {@code .NAME.<uuid>.tmp} of the output {@code name} in {@code dir}
   * that no process holds locked: left by a run killed before it could delete its own.
   */
  static void sweepStale(Path dir, String name) {
    Pattern ours = Pattern.compile("\\." + Pattern.quote(name) + "\\." + UUID_RE + "\\.tmp");
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "." + glob(name) + ".*.tmp")) {
      for (Path f : files) {
        if (ours.matcher(f.getFileName().toString()).matches() && Files.isRegularFile(f)) {
          deleteUnlessLocked(f);
        }
      }
    } catch (IOException | RuntimeException e) {
      // best effort: a stale file is only wasted space
    }
  }

  private static void deleteUnlessLocked(Path f) {
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
      FileLock lock;
      try {
        lock = ch.tryLock();
      } catch (OverlappingFileLockException e) {
        return; // this process writes it
      }
      if (lock != null) {
        Files.deleteIfExists(f); // no process writes it
      }
    } catch (IOException | RuntimeException e) {
      // gone meanwhile, or not ours to open: leave it
    }
  }

  private static String glob(String name) {
    return name.replaceAll("([*?\\[\\]{}\\\\])", "\\\\$1");
  }

  Writer writer() {
    return writer;
  }

  /** Flushes, closes and moves the file into place (written in place: flushes and closes). */
  void commit() throws IOException {
    if (tmp == null) {
      writer.close();
      done = true;
      return;
    }
    writer.flush();
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    done = true;
    writer.close(); // releases the lock, after the move: a sweep never sees an unlocked file
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
    if (tmp == null) {
      return;
    }
    try {
      Files.deleteIfExists(tmp);
    } catch (IOException ignored) {
      // best effort: it is a hidden .tmp file, swept by the next run
    }
  }

  /** Standard output, flushed but never closed. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  /**
   * Writes lone UTF-16 surrogates as the JSON escape {@code \\udXXX} (lower-case hex, as Python's
   * {@code json.dumps}); pairs pass through, and the UTF-8 encoder writes them as one code point.
   */
  static final class LoneSurrogateEscaper extends Writer {
    private final Writer out;
    private char pendingHigh; // a high surrogate whose low half may come in the next write

    LoneSurrogateEscaper(Writer out) {
      this.out = out;
    }

    @Override
    public void write(char[] buf, int off, int len) throws IOException {
      int start = off;
      int end = off + len;
      for (int i = off; i < end; i++) {
        char c = buf[i];
        if (pendingHigh == 0 && !Character.isSurrogate(c)) {
          continue;
        }
        out.write(buf, start, i - start);
        start = i + 1;
        put(c);
      }
      out.write(buf, start, end - start);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
      int start = off;
      int end = off + len;
      for (int i = off; i < end; i++) {
        char c = s.charAt(i);
        if (pendingHigh == 0 && !Character.isSurrogate(c)) {
          continue;
        }
        out.write(s, start, i - start);
        start = i + 1;
        put(c);
      }
      out.write(s, start, end - start);
    }

    @Override
    public void write(int c) throws IOException {
      char ch = (char) c;
      if (pendingHigh == 0 && !Character.isSurrogate(ch)) {
        out.write(ch);
      } else {
        put(ch);
      }
    }

    /** One character when a surrogate is pending or {@code c} is one. */
    private void put(char c) throws IOException {
      if (pendingHigh != 0) {
        char high = pendingHigh;
        pendingHigh = 0;
        if (Character.isLowSurrogate(c)) {
          out.write(high);
          out.write(c);
          return;
        }
        escape(high);
      }
      if (Character.isHighSurrogate(c)) {
        pendingHigh = c;
      } else if (Character.isLowSurrogate(c)) {
        escape(c);
      } else {
        out.write(c);
      }
    }

    private void escape(char c) throws IOException {
      out.write(String.format("\\u%04x", (int) c));
    }

    @Override
    public void flush() throws IOException {
      out.flush(); // a pending high surrogate stays: its low half may follow
    }

    @Override
    public void close() throws IOException {
      if (pendingHigh != 0) {
        char high = pendingHigh;
        pendingHigh = 0;
        escape(high);
      }
      out.close();
    }
  }
}
