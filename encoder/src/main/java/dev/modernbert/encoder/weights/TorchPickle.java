package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.Opcodes;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the pickle of a {@code torch.save} file ({@code data.pkl}) as data, never as code. Opcodes
 * are parsed by razorvine's {@link Unpickler} (the one Spark ships); every opcode that names a
 * global or builds an object is handled here instead, against an allow-list: the tensor rebuild
 * functions, {@code torch.*Storage} of float32/float16/bfloat16/integer types and {@code
 * collections.OrderedDict}. Any other global stops the read at its opcode, before its arguments are
 * even parsed; nothing named by the file is ever looked up, loaded or called.
 *
 * <p>The reader does work proportional to the pickle's size and no more: every length prefix is
 * checked against the bytes left before anything is allocated; dict keys must be strings (all a
 * state dict holds), checked before they are hashed, and sets are refused, so no attacker-built
 * container is ever hashed, compared or printed whole (errors describe values with a bounded {@link
 * #describe}); numbers of a tensor's layout must be exact 64-bit integers.
 */
final class TorchPickle extends Unpickler {
  /** A storage as torch.save references it: persistent id (storage, type, key, location, numel). */
  record StorageRef(String key, String dtype, long numel) {}

  /** A tensor as a view of a storage: element offset, shape and strides (in elements). */
  record TensorRef(StorageRef storage, long offset, long[] shape, long[] stride) {}

  /** {@code collections.OrderedDict}: a map, whose BUILD state (torch's _metadata) is ignored. */
  static final class OrderedDict extends LinkedHashMap<Object, Object> {
    private static final long serialVersionUID = 1L;
  }

  /** A storage class: only ever an element of a persistent id, never called. */
  record StorageType(String global, String dtype) implements IObjectConstructor {
    @Override
    public Object construct(Object[] args) {
      throw new PickleException(global + " is called, which torch.save never does");
    }
  }

  private static final Map<String, String> STORAGE_DTYPES =
      Map.of(
          "torch.FloatStorage", "F32",
          "torch.HalfStorage", "F16",
          "torch.BFloat16Storage", "BF16",
          "torch.LongStorage", "I64",
          "torch.IntStorage", "I32",
          "torch.ShortStorage", "I16",
          "torch.CharStorage", "I8",
          "torch.ByteStorage", "U8");

  static final String ALLOWED =
      "torch._utils._rebuild_tensor_v2, torch._utils._rebuild_tensor,"
          + " torch._utils._rebuild_parameter, torch.{Float,Half,BFloat16,Long,Int,Short,Char,Byte}Storage,"
          + " collections.OrderedDict";

  /** Exposes the read position, so errors can say at which byte of the pickle they stopped. */
  private static final class Bytes extends ByteArrayInputStream {
    Bytes(byte[] b) {
      super(b);
    }

    int position() {
      return pos;
    }

    int remaining() {
      return count - pos;
    }

    /** The unsigned little-endian length prefix of {@code width} bytes at the read position. */
    long peekLength(int width) {
      if (width > remaining()) {
        return Long.MAX_VALUE;
      }
      long n = 0;
      for (int i = width - 1; i >= 0; i--) {
        n = (n << 8) | (buf[pos + i] & 0xFF);
      }
      return n < 0 ? Long.MAX_VALUE : n; // 8-byte lengths past 2^63 are too long anyway
    }

    /** The length of the text line at the read position (up to, not counting, its newline). */
    int lineLength() {
      int i = pos;
      while (i < count && buf[i] != '\n') {
        i++;
      }
      return i - pos;
    }
  }

  /** The largest data.pkl read: a state dict's pickle is about 150 bytes per tensor. */
  static final int MAX_PICKLE_BYTES = 64 << 20;

  /** The longest number written as text (INT, LONG, FLOAT, GET, PUT) accepted. */
  private static final int MAX_NUMBER_TEXT = 64;

  private final Path file;
  private final String entry;
  private final Bytes in;

  private TorchPickle(Path file, String entry, byte[] pickle) {
    this.file = file;
    this.entry = entry;
    this.in = new Bytes(pickle);
  }

  /** The tensors of a state-dict pickle by name, in name order. */
  static Map<String, TensorRef> tensors(Path file, String entry, byte[] pickle) {
    TorchPickle reader = new TorchPickle(file, entry, pickle);
    if (pickle.length > MAX_PICKLE_BYTES) {
      throw reader.error(
          "is "
              + pickle.length
              + " bytes, more than the "
              + MAX_PICKLE_BYTES
              + " a state dict's pickle needs (its tensors are stored beside it)",
          null);
    }
    Object top;
    try {
      top = reader.load(reader.in);
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException | StackOverflowError e) { // a malformed stream
      throw reader.error(
          "is not a pickle torch.save writes ("
              + e.getClass().getSimpleName()
              + (e.getMessage() == null ? "" : ": " + oneLine(e.getMessage()))
              + ")",
          e);
    }
    if (!(top instanceof Map<?, ?> map)) {
      throw reader.error(
          "holds a " + typeName(top) + ", not a dict of tensors (a state dict)", null);
    }
    Map<String, TensorRef> out = new TreeMap<>();
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String name) || !(e.getValue() instanceof TensorRef t)) {
        throw reader.error(
            "holds "
                + describe(e.getKey())
                + " = "
                + typeName(e.getValue())
                + "; a weights file is a flat dict of name -> tensor (save model.state_dict())",
            null);
      }
      out.put(name, t);
    }
    return out;
  }

  @Override
  protected Object dispatch(short key) throws IOException {
    int at = in.position() - 1;
    switch (key) {
      case Opcodes.GLOBAL -> {
        String module = PickleUtils.readline(input);
        String name = PickleUtils.readline(input);
        stack.add(allowed(module + "." + name, "GLOBAL", at));
      }
      case Opcodes.STACK_GLOBAL -> {
        Object name = stack.pop();
        Object module = stack.pop();
        if (!(module instanceof String) || !(name instanceof String)) {
          throw refused(
              "STACK_GLOBAL on " + describe(module) + " and " + describe(name) + ", not names", at);
        }
        stack.add(allowed(module + "." + name, "STACK_GLOBAL", at));
      }
      case Opcodes.SETITEM -> {
        Object value = stack.pop();
        Object k = stack.pop();
        put(stack.peek(), k, value, at);
      }
      case Opcodes.SETITEMS -> {
        List<Object> items = stack.pop_all_since_marker();
        Object dict = stack.peek();
        for (int i = 0; i + 1 < items.size(); i += 2) {
          put(dict, items.get(i), items.get(i + 1), at);
        }
        if (items.size() % 2 != 0) {
          throw refused("SETITEMS with a key but no value", at);
        }
      }
      case Opcodes.DICT -> {
        List<Object> items = stack.pop_all_since_marker();
        Map<Object, Object> dict = new HashMap<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
          put(dict, items.get(i), items.get(i + 1), at);
        }
        if (items.size() % 2 != 0) {
          throw refused("DICT with a key but no value", at);
        }
        stack.add(dict);
      }
      case Opcodes.EMPTY_SET, Opcodes.ADDITEMS, Opcodes.FROZENSET ->
          throw refused("opcode 0x" + Integer.toHexString(key) + " (a set)", at);
      // Length-prefixed values: the length is checked against the bytes left before razorvine
      // allocates it.
      case Opcodes.SHORT_BINUNICODE,
          Opcodes.SHORT_BINSTRING,
          Opcodes.SHORT_BINBYTES,
          Opcodes.LONG1 -> {
        return lengthChecked(key, 1, at);
      }
      case Opcodes.BINUNICODE, Opcodes.BINSTRING, Opcodes.BINBYTES, Opcodes.LONG4 -> {
        return lengthChecked(key, 4, at);
      }
      case Opcodes.BINUNICODE8, Opcodes.BINBYTES8, Opcodes.BYTEARRAY8, Opcodes.FRAME -> {
        return lengthChecked(key, 8, at);
      }
      // Numbers as text: a short line (a long has 20 digits); a long one would cost quadratic
      // time to parse.
      case Opcodes.INT, Opcodes.LONG, Opcodes.FLOAT, Opcodes.GET, Opcodes.PUT -> {
        if (in.lineLength() > MAX_NUMBER_TEXT) {
          throw refused(
              "opcode "
                  + (char) key
                  + " with a "
                  + in.lineLength()
                  + "-character number (at most "
                  + MAX_NUMBER_TEXT
                  + ")",
              at);
        }
        return super.dispatch(key);
      }
      case Opcodes.BUILD -> {
        stack.pop();
        if (!(stack.peek() instanceof OrderedDict)) {
          throw refused("BUILD on a " + typeName(stack.peek()), at);
        }
      }
      case Opcodes.INST, Opcodes.OBJ, Opcodes.NEWOBJ, Opcodes.NEWOBJ_EX ->
          throw refused(
              "opcode " + (char) key + " (0x" + Integer.toHexString(key) + ", builds an object)",
              at);
      case Opcodes.EXT1, Opcodes.EXT2, Opcodes.EXT4, Opcodes.PERSID ->
          throw refused("opcode 0x" + Integer.toHexString(key), at);
      default -> {
        return super.dispatch(key);
      }
    }
    return NO_RETURN_VALUE;
  }

  /** An opcode whose value follows a length prefix of {@code width} bytes: checked, then read. */
  private Object lengthChecked(short key, int width, int at) throws IOException {
    long declared = in.peekLength(width);
    long left = in.remaining() - width;
    if (declared > left) {
      throw error(
          "declares a value of "
              + (declared == Long.MAX_VALUE ? "more than 2^63" : String.valueOf(declared))
              + " bytes (opcode 0x"
              + Integer.toHexString(key)
              + " at byte "
              + at
              + ") but only "
              + Math.max(0, left)
              + " bytes follow; the file is damaged or crafted",
          null);
    }
    return super.dispatch(key);
  }

  /** {@code dict[key] = value}, for a string key only: the key is checked before it is hashed. */
  @SuppressWarnings("unchecked")
  private void put(Object dict, Object key, Object value, int at) {
    if (!(dict instanceof Map<?, ?>)) {
      throw refused("a dict item set on a " + typeName(dict), at);
    }
    if (!(key instanceof String)) {
      throw refused(
          "a dict key of type " + typeName(key) + " (a state dict's keys are strings)", at);
    }
    ((Map<Object, Object>) dict).put(key, value);
  }

  private IObjectConstructor allowed(String global, String opcode, int at) {
    String dtype = STORAGE_DTYPES.get(global);
    if (dtype != null) {
      return new StorageType(global, dtype);
    }
    return switch (global) {
      case "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_tensor" ->
          args -> rebuildTensor(global, args);
      case "torch._utils._rebuild_parameter" ->
          args -> {
            if (args.length != 3 || !(args[0] instanceof TensorRef t)) {
              throw malformed(global, args);
            }
            return t;
          };
      case "collections.OrderedDict" ->
          args -> {
            if (args.length != 0) {
              throw malformed(global, args);
            }
            return new OrderedDict();
          };
      default ->
          throw new CheckpointException(
              file
                  + ": refused to read: its pickle "
                  + entry
                  + " names the global "
                  + global
                  + " ("
                  + opcode
                  + " at byte "
                  + at
                  + "), which is not on the allow-list of a weights file ("
                  + ALLOWED
                  + "). Nothing was imported or run: the file is not a plain state dict and may be"
                  + " malicious. If you trust it, convert it with Python to safetensors"
                  + " (save_pretrained(dir, safe_serialization=True)).");
    };
  }

  /** _rebuild_tensor_v2(storage, offset, size, stride, requires_grad, hooks[, metadata]). */
  private TensorRef rebuildTensor(String global, Object[] args) {
    int expected = global.endsWith("_v2") ? 6 : 4;
    if (args.length < expected
        || args.length > expected + 1
        || !(args[0] instanceof StorageRef storage)
        || !(args[1] instanceof Number offset)
        || !(args[2] instanceof Object[] size)
        || !(args[3] instanceof Object[] stride)
        || size.length != stride.length) {
      throw malformed(global, args);
    }
    long start = exact(global, offset, args);
    if (start < 0) {
      throw malformed(global, args);
    }
    return new TensorRef(storage, start, longs(global, size), longs(global, stride));
  }

  @Override
  protected Object persistentLoad(Object pid) {
    if (!(pid instanceof Object[] t)
        || t.length != 5
        || !"storage".equals(t[0])
        || !(t[1] instanceof StorageType type)
        || !(t[2] instanceof String key)
        || !(t[3] instanceof String)
        || !(t[4] instanceof Number numel)) {
      throw error(
          "has a persistent id "
              + describe(pid)
              + "; torch.save writes (\"storage\", torch.<Type>Storage, key, location, numel)",
          null);
    }
    long n =
        numel instanceof BigInteger || numel instanceof Long || numel instanceof Integer
            ? exactOrNegative(numel)
            : -1;
    if (n < 0) {
      throw error(
          "declares storage "
              + key
              + " with "
              + describe(numel)
              + " elements; an element count is a non-negative 64-bit integer",
          null);
    }
    return new StorageRef(key, type.dtype(), n);
  }

  private long[] longs(String global, Object[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = exact(global, values[i], values);
      if (out[i] < 0) {
        throw malformed(global, values);
      }
    }
    return out;
  }

  /** An integer that fits a long exactly (int, long or BigInteger), else a malformed call. */
  private long exact(String global, Object value, Object[] args) {
    if (!(value instanceof Integer || value instanceof Long || value instanceof BigInteger)
        || (value instanceof BigInteger b && b.bitLength() >= 64)) {
      throw malformed(global, args);
    }
    return ((Number) value).longValue();
  }

  /** The number as a long, or -1 when it does not fit one. */
  private static long exactOrNegative(Number n) {
    if (n instanceof BigInteger b) {
      return b.bitLength() < 64 ? b.longValue() : -1;
    }
    return n.longValue();
  }

  private CheckpointException malformed(String global, Object[] args) {
    return error("calls " + global + " with unexpected arguments " + describe(args), null);
  }

  /**
   * A short description of a value from the pickle: at most a few levels and items, so a value
   * built to be huge (shared or cyclic lists) costs nothing to describe.
   */
  static String describe(Object o) {
    StringBuilder out = new StringBuilder();
    describe(o, 3, out);
    return out.length() > 200 ? out.substring(0, 200) + "..." : out.toString();
  }

  private static void describe(Object o, int depth, StringBuilder out) {
    if (out.length() > 200) {
      return;
    }
    if (o instanceof String s) {
      out.append('"').append(s.length() > 80 ? s.substring(0, 80) + "..." : s).append('"');
    } else if (o instanceof Number || o instanceof Boolean) {
      String s = o.toString();
      out.append(s.length() > 40 ? s.substring(0, 40) + "..." : s);
    } else if (o instanceof Object[] || o instanceof List<?>) {
      List<?> items = o instanceof Object[] a ? Arrays.asList(a) : (List<?>) o;
      out.append(o instanceof Object[] ? '(' : '[');
      if (depth == 0) {
        out.append(items.isEmpty() ? "" : "...");
      } else {
        for (int i = 0; i < items.size() && i < 8; i++) {
          if (i > 0) {
            out.append(", ");
          }
          describe(items.get(i), depth - 1, out);
        }
        if (items.size() > 8) {
          out.append(", ... (").append(items.size()).append(" items)");
        }
      }
      out.append(o instanceof Object[] ? ')' : ']');
    } else {
      out.append(typeName(o));
    }
  }

  private CheckpointException refused(String what, int at) {
    return error(
        "uses "
            + what
            + " at byte "
            + at
            + ", which a torch.save state dict never does; refused, nothing was run",
        null);
  }

  private CheckpointException error(String what, Throwable cause) {
    return new CheckpointException(file + ": the pickle " + entry + " " + what, cause);
  }

  /** razorvine's messages name opcodes and numbers only; still, one short line. */
  private static String oneLine(String s) {
    String line = s.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }

  private static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }
}
