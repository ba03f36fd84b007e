package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * A single weight file whose tensors lie at known byte ranges: each is memory-mapped on its own
 * when read, so nothing is copied to the Java heap and files larger than 2 GiB work.
 */
abstract class MappedTensorFile implements TensorFile {
  private final Path path;
  private final FileChannel channel;
  private final Map<String, TensorInfo> tensors;

  /** {@code tensors}: begin/end are absolute file offsets, already checked to lie in the file. */
  MappedTensorFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors) {
    this.path = path;
    this.channel = channel;
    this.tensors = tensors;
  }

  /** A file's tensor table, read from its open channel. */
  @FunctionalInterface
  interface TableReader {
    Map<String, TensorInfo> read(FileChannel channel) throws IOException;
  }

  /** A subclass's constructor. */
  @FunctionalInterface
  interface Factory<T> {
    T make(Path path, FileChannel channel, Map<String, TensorInfo> tensors);
  }

  /**
   * Opens {@code path}, reads its tensor table and makes the file of it; the channel is closed
   * again when any of that fails.
   */
  static <T extends MappedTensorFile> T open(Path path, TableReader table, Factory<T> make) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(path, StandardOpenOption.READ);
      return make.make(path, channel, table.read(channel));
    } catch (IOException e) {
      closeQuietly(channel);
      throw new CheckpointException(path + ": cannot read: " + e.getMessage(), e);
    } catch (CheckpointException e) {
      closeQuietly(channel);
      throw e;
    } catch (RuntimeException | StackOverflowError e) {
      // A reader's own checks come first; anything else still names the file, in one line.
      closeQuietly(channel);
      throw new CheckpointException(
          path
              + ": cannot read, the file is damaged or crafted ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + firstLine(e.getMessage()))
              + ")",
          e);
    }
  }

  private static String firstLine(String s) {
    String line = s.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  @Override
  public Path path() {
    return path;
  }

  @Override
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The raw bytes of a tensor, memory-mapped, read-only, little-endian. */
  @Override
  public ByteBuffer bytes(String name) {
    TensorInfo info = info(name);
    long length = info.end() - info.begin();
    if (length > Integer.MAX_VALUE) {
      throw new CheckpointException(path + ": tensor " + name + " is larger than 2 GiB");
    }
    try {
      return channel
          .map(FileChannel.MapMode.READ_ONLY, info.begin(), length)
          .order(ByteOrder.LITTLE_ENDIAN);
    } catch (IOException e) {
      throw new CheckpointException(
          path + ": cannot map tensor " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    closeQuietly(channel);
  }

  static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing useful to do: the file was only read
      }
    }
  }
}
