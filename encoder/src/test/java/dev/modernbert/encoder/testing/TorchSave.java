package dev.modernbert.encoder.testing;

import dev.modernbert.encoder.weights.TensorFile;
import dev.modernbert.encoder.weights.TensorInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a state dict the way {@code torch.save(state_dict, "pytorch_model.bin")} does (PyTorch
 * 1.6+ zip format, pickle protocol 2): {@code pytorch_model/data.pkl} holding an {@code
 * OrderedDict} of {@code torch._utils._rebuild_tensor_v2(persistent storage, 0, shape, stride,
 * False, OrderedDict())}, one stored {@code pytorch_model/data/<key>} per tensor, plus {@code
 * byteorder} and {@code version}. Tests use it to build the .bin twin of a safetensors file, so a
 * reader can be checked to give the same values from both.
 */
public final class TorchSave {
  private static final Map<String, String> STORAGES =
      Map.of("F32", "FloatStorage", "F16", "HalfStorage", "BF16", "BFloat16Storage");

  private TorchSave() {}

  /** Every tensor of {@code from}, with its dtype and bytes, as a torch.save file {@code to}. */
  public static void copy(TensorFile from, Path to) throws IOException {
    ByteArrayOutputStream pickle = new ByteArrayOutputStream();
    pickle.write(new byte[] {(byte) 0x80, 2}); // PROTO 2
    orderedDict(pickle);
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(to))) {
      int key = 0;
      for (TensorInfo t : from.tensors().values()) {
        String storage = STORAGES.get(t.dtype());
        if (storage == null) {
          throw new IllegalArgumentException("no torch storage for dtype " + t.dtype());
        }
        unicode(pickle, t.name());
        global(pickle, "torch._utils", "_rebuild_tensor_v2");
        pickle.write('('); // MARK: the call's arguments
        pickle.write('('); // MARK: the persistent id
        unicode(pickle, "storage");
        global(pickle, "torch", storage);
        unicode(pickle, String.valueOf(key));
        unicode(pickle, "cpu");
        binint(pickle, t.elementCount());
        pickle.write('t'); // TUPLE
        pickle.write('Q'); // BINPERSID
        binint(pickle, 0); // storage offset
        longs(pickle, t.shape());
        longs(pickle, strides(t.shape()));
        pickle.write(0x89); // NEWFALSE: requires_grad
        orderedDict(pickle); // backward hooks
        pickle.write('t'); // TUPLE
        pickle.write('R'); // REDUCE
        pickle.write('s'); // SETITEM
        ByteBuffer bytes = from.bytes(t.name());
        byte[] data = new byte[bytes.remaining()];
        bytes.get(data);
        stored(zip, "pytorch_model/data/" + key, data);
        key++;
      }
      pickle.write('.'); // STOP
      stored(zip, "pytorch_model/data.pkl", pickle.toByteArray());
      stored(zip, "pytorch_model/byteorder", "little".getBytes(StandardCharsets.US_ASCII));
      stored(zip, "pytorch_model/version", "3\n".getBytes(StandardCharsets.US_ASCII));
    }
  }

  private static void orderedDict(ByteArrayOutputStream out) {
    global(out, "collections", "OrderedDict");
    out.write(')'); // EMPTY_TUPLE
    out.write('R'); // REDUCE
  }

  private static void global(ByteArrayOutputStream out, String module, String name) {
    out.write('c');
    out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
  }

  private static void unicode(ByteArrayOutputStream out, String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.write('X'); // BINUNICODE
    out.writeBytes(
        ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
    out.writeBytes(utf8);
  }

  private static void binint(ByteArrayOutputStream out, long v) {
    out.write('J'); // BININT: 4 bytes, little-endian
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
  }

  private static void longs(ByteArrayOutputStream out, long[] values) {
    out.write('(');
    for (long v : values) {
      binint(out, v);
    }
    out.write('t');
  }

  /** Row-major strides, in elements. */
  private static long[] strides(long[] shape) {
    long[] stride = new long[shape.length];
    long s = 1;
    for (int d = shape.length - 1; d >= 0; d--) {
      stride[d] = s;
      s *= shape[d];
    }
    return stride;
  }

  /** Adds an uncompressed entry, as torch.save writes every entry. */
  public static void stored(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(bytes);
    zip.closeEntry();
  }
}
