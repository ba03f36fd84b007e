package dev.modernbert.encoder.runtime;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused {@code torch.nn.functional.scaled_dot_product_attention}, which DJL's NDArray
 * API does not expose. On CPU it runs flash attention: query blocks against key blocks with an
 * online softmax, so no score tensor larger than one block per thread ever exists, and the scores
 * are never written out to memory and read back; on CUDA it picks flash or memory-efficient
 * attention.
 *
 * <p>The op is reached through a TorchScript module with no weights whose source is the two methods
 * in {@link #SOURCE}. This class writes that module's archive in memory (the source, plus the two
 * fixed records TorchScript's loader requires: the module object with its one {@code training}
 * flag, and an empty constants tuple) and loads it once per process. Nothing is read from disk and
 * no user-supplied pickle is ever loaded.
 */
public final class ScaledDotProductAttention {
  /** {@code scale=1.}: callers fold {@code head_dim^-0.5} into the queries. */
  static final String SOURCE =
      """
      class Sdpa(Module):
        __parameters__ = []
        __buffers__ = []
        training : bool
        def forward(self: __torch__.Sdpa, q: Tensor, k: Tensor, v: Tensor) -> Tensor:
          return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=1.)
        def masked(self: __torch__.Sdpa, q: Tensor, k: Tensor, v: Tensor, mask: Tensor) -> Tensor:
          return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=1.)
      """;

  private ScaledDotProductAttention() {}

  /**
   * {@code softmax(q k^T + mask) v}, unscaled.
   *
   * @param q queries {@code [batch, heads, queries, headDim]}
   * @param k keys {@code [batch, heads, keys, headDim]}
   * @param v values, same shape as {@code k}
   * @param mask additive, of {@code q}'s dtype, broadcastable to {@code [batch, heads, queries,
   *     keys]}; null when nothing is masked
   * @return {@code [batch, heads, queries, headDim]}, owned by {@code q}'s manager
   */
  public static NDArray apply(NDArray q, NDArray k, NDArray v, NDArray mask) {
    IValue[] args =
        mask == null
            ? new IValue[] {ivalue(q), ivalue(k), ivalue(v)}
            : new IValue[] {ivalue(q), ivalue(k), ivalue(v), ivalue(mask)};
    try (IValue out = IValueUtils.runMethod(module(), mask == null ? "forward" : "masked", args)) {
      return out.toTensor((PtNDManager) q.getManager());
    } finally {
      for (IValue a : args) {
        a.close();
      }
    }
  }

  private static IValue ivalue(NDArray a) {
    return IValue.from((PtNDArray) a);
  }

  private static volatile PtSymbolBlock module;

  /**
   * Loaded on first use; it holds no tensors, so one module serves every device and thread. A
   * failed load is not cached: every call reports it with its cause.
   */
  private static PtSymbolBlock module() {
    PtSymbolBlock m = module;
    if (m == null) {
      synchronized (ScaledDotProductAttention.class) {
        if (module == null) {
          module = load();
        }
        m = module;
      }
    }
    return m;
  }

  private static PtSymbolBlock load() {
    PtNDManager manager = (PtNDManager) TorchRuntime.engine().newBaseManager();
    try {
      return JniUtils.loadModule(manager, new ByteArrayInputStream(archive()), false, false);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw new IllegalStateException(
          "libtorch could not load the scaled_dot_product_attention module (libtorch 2.7.1 is "
              + "required): "
              + e,
          e);
    }
  }

  /** The TorchScript archive: a zip of stored (uncompressed) records under one folder. */
  static byte[] archive() {
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      record(z, "sdpa/version", ascii("3\n"));
      record(z, "sdpa/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
      record(z, "sdpa/data.pkl", moduleObject());
      record(z, "sdpa/constants.pkl", new byte[] {PROTO, 2, EMPTY_TUPLE, STOP});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return zip.toByteArray();
  }

  // Pickle protocol 2 opcodes, the subset TorchScript's writer uses for a module object.
  private static final byte PROTO = (byte) 0x80;
  private static final byte GLOBAL = 'c';
  private static final byte EMPTY_TUPLE = ')';
  private static final byte NEWOBJ = (byte) 0x81;
  private static final byte EMPTY_DICT = '}';
  private static final byte MARK = '(';
  private static final byte BINUNICODE = 'X';
  private static final byte NEWFALSE = (byte) 0x89;
  private static final byte SETITEMS = 'u';
  private static final byte BUILD = 'b';
  private static final byte STOP = '.';

  /** {@code __torch__.Sdpa()} with its attributes {@code {"training": False}}. */
  private static byte[] moduleObject() {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    byte[] training = ascii("training");
    p.write(PROTO);
    p.write(2);
    p.write(GLOBAL);
    p.writeBytes(ascii("__torch__\nSdpa\n"));
    p.write(EMPTY_TUPLE);
    p.write(NEWOBJ);
    p.write(EMPTY_DICT);
    p.write(MARK);
    p.write(BINUNICODE);
    p.writeBytes(new byte[] {(byte) training.length, 0, 0, 0}); // little-endian int32 length
    p.writeBytes(training);
    p.write(NEWFALSE);
    p.write(SETITEMS);
    p.write(BUILD);
    p.write(STOP);
    return p.toByteArray();
  }

  private static void record(ZipOutputStream z, String name, byte[] bytes) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(bytes.length);
    e.setCompressedSize(bytes.length);
    CRC32 crc = new CRC32();
    crc.update(bytes);
    e.setCrc(crc.getValue());
    z.putNextEntry(e);
    z.write(bytes);
    z.closeEntry();
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
