package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.weights.TorchPickle.TensorRef;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A zip-format {@code torch.save} file ({@code pytorch_model.bin}, PyTorch 1.6 and later): {@code
 * <prefix>/data.pkl} describes the tensors (read by {@link TorchPickle}, which runs nothing), and
 * each storage is the uncompressed entry {@code <prefix>/data/<key>}, memory-mapped in place. Only
 * contiguous row-major tensors are read; several tensors may share a storage (tied weights).
 */
public final class TorchZipFile extends MappedTensorFile {
  private TorchZipFile(Path path, FileChannel channel, Map<String, TensorInfo> tensors) {
    super(path, channel, tensors);
  }

  public static TorchZipFile open(Path path) {
    return open(path, channel -> table(path, channel), TorchZipFile::new);
  }

  private static Map<String, TensorInfo> table(Path path, FileChannel channel) throws IOException {
    Map<String, StoredZip.Entry> entries = StoredZip.entries(channel, path);
    StoredZip.Entry pickle = pickleEntry(path, entries);
    String prefix = pickle.name().substring(0, pickle.name().length() - "data.pkl".length());
    StoredZip.Entry byteorder = entries.get(prefix + "byteorder");
    if (byteorder != null) {
      if (byteorder.size() > 16) {
        throw new CheckpointException(
            path
                + ": zip entry "
                + byteorder.name()
                + " is not a byte order ("
                + byteorder.size()
                + " bytes)");
      }
      String order = new String(read(channel, byteorder), StandardCharsets.US_ASCII).trim();
      if (!order.equals("little")) {
        throw new CheckpointException(
            path + ": storages are " + order + "-endian; only little-endian files are read");
      }
    }
    if (pickle.size() > TorchPickle.MAX_PICKLE_BYTES) { // checked before it is read
      throw new CheckpointException(
          path
              + ": the pickle "
              + pickle.name()
              + " is "
              + pickle.size()
              + " bytes, more than the "
              + TorchPickle.MAX_PICKLE_BYTES
              + " a state dict's pickle needs (its tensors are stored beside it)");
    }
    Map<String, TensorRef> refs = TorchPickle.tensors(path, pickle.name(), read(channel, pickle));
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, TensorRef> e : refs.entrySet()) {
      tensors.put(e.getKey(), locate(path, e.getKey(), e.getValue(), prefix, entries));
    }
    return Collections.unmodifiableMap(tensors);
  }

  private static StoredZip.Entry pickleEntry(Path path, Map<String, StoredZip.Entry> entries) {
    // The folder inside the zip is named after the file (archive/, pytorch_model/, ...).
    List<StoredZip.Entry> pickles =
        entries.values().stream().filter(e -> e.name().matches("[^/]+/data\\.pkl")).toList();
    if (pickles.size() != 1) {
      throw new CheckpointException(
          path
              + ": not a torch.save archive: expected one <name>/data.pkl entry, found "
              + pickles.size()
              + " among "
              + entries.size()
              + " entries");
    }
    return pickles.get(0);
  }

  /** Where a tensor's bytes lie in the file, after checking that its view fits its storage. */
  private static TensorInfo locate(
      Path path, String name, TensorRef t, String prefix, Map<String, StoredZip.Entry> entries) {
    String dtype = t.storage().dtype();
    String entryName = prefix + "data/" + t.storage().key();
    StoredZip.Entry storage = entries.get(entryName);
    if (storage == null) {
      throw new CheckpointException(
          path
              + ": tensor "
              + name
              + " is stored in zip entry "
              + entryName
              + ", which the archive lacks (damaged file); download or save it again");
    }
    int width = TensorInfo.bytesPerElement(dtype);
    long numel = t.storage().numel();
    long storageBytes = exactProduct(numel, width);
    if (numel < 0 || storageBytes < 0 || storage.size() != storageBytes) {
      throw new CheckpointException(
          path
              + ": zip entry "
              + entryName
              + " holds "
              + storage.size()
              + " bytes but the pickle declares "
              + numel
              + " "
              + dtype
              + " elements ("
              + (storageBytes < 0 ? "more than 2^63" : String.valueOf(storageBytes))
              + " bytes); the file is damaged");
    }
    long count = elementCount(t.shape());
    if (count < 0 || t.offset() < 0 || Arrays.stream(t.stride()).anyMatch(s -> s < 0)) {
      throw new CheckpointException(
          path
              + ": tensor "
              + name
              + " has a negative or overflowing layout (shape "
              + Arrays.toString(t.shape())
              + ", strides "
              + Arrays.toString(t.stride())
              + ", offset "
              + t.offset()
              + "); the file is damaged");
    }
    if (!contiguous(t.shape(), t.stride())) {
      throw new CheckpointException(
          path
              + ": tensor "
              + name
              + " is a non-contiguous view (shape "
              + Arrays.toString(t.shape())
              + ", strides "
              + Arrays.toString(t.stride())
              + "); only contiguous tensors are read: save tensor.contiguous(), or use safetensors");
    }
    // offset + count <= numel, written so that it cannot overflow (all three are >= 0)
    if (count > numel || t.offset() > numel - count) {
      throw new CheckpointException(
          path
              + ": tensor "
              + name
              + " "
              + dtype
              + Arrays.toString(t.shape())
              + " needs "
              + count
              + " elements from storage offset "
              + t.offset()
              + " but its storage "
              + entryName
              + " holds only "
              + numel
              + "; the file is damaged");
    }
    // In range: offset * width <= storage.size(), and the entry lies inside the file.
    long begin = storage.dataOffset() + t.offset() * width;
    return new TensorInfo(name, dtype, t.shape(), begin, begin + count * width);
  }

  /** {@code a * b} for non-negative factors, or -1 when it overflows a long. */
  static long exactProduct(long a, long b) {
    try {
      return a < 0 || b < 0 ? -1 : Math.multiplyExact(a, b);
    } catch (ArithmeticException e) {
      return -1;
    }
  }

  /**
   * The element count of a shape, or -1 when a dimension is negative or the product of its non-zero
   * dimensions overflows a long (no real tensor has such a shape).
   */
  static long elementCount(long[] shape) {
    long nonZero = 1;
    boolean empty = false;
    for (long d : shape) {
      if (d < 0) {
        return -1;
      }
      empty |= d == 0;
      nonZero = exactProduct(nonZero, Math.max(d, 1));
      if (nonZero < 0) {
        return -1;
      }
    }
    return empty ? 0 : nonZero;
  }

  /** Row-major contiguity as torch defines it: strides of size-1 dimensions do not matter. */
  static boolean contiguous(long[] shape, long[] stride) {
    long expected = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      if (shape[d] != 1 && stride[d] != expected) {
        return shape[d] == 0;
      }
      expected *= shape[d];
    }
    return true;
  }

  private static byte[] read(FileChannel channel, StoredZip.Entry entry) throws IOException {
    if (entry.size() > Integer.MAX_VALUE) {
      throw new IOException("zip entry " + entry.name() + " is larger than 2 GiB");
    }
    ByteBuffer buf = ByteBuffer.allocate((int) entry.size());
    while (buf.hasRemaining()) {
      if (channel.read(buf, entry.dataOffset() + buf.position()) < 0) {
        throw new IOException("zip entry " + entry.name() + " ends past the end of the file");
      }
    }
    return buf.array();
  }
}
