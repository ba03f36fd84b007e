package dev.modernbert.encoder.runtime;

import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
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
 * A TorchScript module written in memory: how the encoder reaches libtorch ops that DJL's NDArray
 * API lacks. The archive holds the module's source and the two records TorchScript's loader
 * requires: the module object (its {@code training} flag, plus empty tensor lists the source
 * declares) and an empty constants tuple. Nothing is read from disk and no user-supplied pickle is
 * ever loaded.
 */
final class TorchScriptArchive {
  private TorchScriptArchive() {}

  /**
   * Loads a module of class {@code className} (declared in {@code source} as {@code class
   * className(Module)}), whose attributes other than {@code training} are the empty lists {@code
   * emptyLists}. Close the block to free the module and every tensor it holds.
   *
   * @param what the op in words, for the error message
   */
  static PtSymbolBlock load(String className, String source, String what, String... emptyLists) {
    PtNDManager manager = (PtNDManager) TorchRuntime.engine().newBaseManager();
    try {
      return JniUtils.loadModule(
          manager, new ByteArrayInputStream(archive(className, source, emptyLists)), false, false);
    } catch (IOException | RuntimeException e) {
      manager.close();
      throw new IllegalStateException(
          "libtorch could not load the " + what + " module (libtorch 2.7.1 is required): " + e, e);
    }
  }

  /** The archive: a zip of stored (uncompressed) records under one folder. */
  static byte[] archive(String className, String source, String... emptyLists) {
    String dir = className.toLowerCase(java.util.Locale.ROOT) + "/";
    ByteArrayOutputStream zip = new ByteArrayOutputStream();
    try (ZipOutputStream z = new ZipOutputStream(zip)) {
      record(z, dir + "version", ascii("3\n"));
      record(z, dir + "code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
      record(z, dir + "data.pkl", moduleObject(className, emptyLists));
      record(z, dir + "constants.pkl", new byte[] {PROTO, 2, EMPTY_TUPLE, STOP});
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
  private static final byte EMPTY_LIST = ']';
  private static final byte MARK = '(';
  private static final byte BINUNICODE = 'X';
  private static final byte NEWFALSE = (byte) 0x89;
  private static final byte SETITEMS = 'u';
  private static final byte BUILD = 'b';
  private static final byte STOP = '.';

  /** {@code __torch__.ClassName()} with its attributes {@code {"training": False, list: []...}}. */
  private static byte[] moduleObject(String className, String... emptyLists) {
    ByteArrayOutputStream p = new ByteArrayOutputStream();
    p.write(PROTO);
    p.write(2);
    p.write(GLOBAL);
    p.writeBytes(ascii("__torch__\n" + className + "\n"));
    p.write(EMPTY_TUPLE);
    p.write(NEWOBJ);
    p.write(EMPTY_DICT);
    p.write(MARK);
    string(p, "training");
    p.write(NEWFALSE);
    for (String name : emptyLists) {
      string(p, name);
      p.write(EMPTY_LIST);
    }
    p.write(SETITEMS);
    p.write(BUILD);
    p.write(STOP);
    return p.toByteArray();
  }

  private static void string(ByteArrayOutputStream p, String s) {
    byte[] b = ascii(s);
    p.write(BINUNICODE);
    p.writeBytes(new byte[] {(byte) b.length, 0, 0, 0}); // little-endian int32 length (< 128)
    p.writeBytes(b);
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
