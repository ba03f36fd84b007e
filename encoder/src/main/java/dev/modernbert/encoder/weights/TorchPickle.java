package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.config.CheckpointException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
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
  }

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
    Object top;
    try {
      top = reader.load(reader.in);
    } catch (CheckpointException e) {
      throw e;
    } catch (IOException | RuntimeException e) { // razorvine's errors on a malformed stream
      throw reader.error("is not a pickle torch.save writes (" + e.getMessage() + ")", e);
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
                + e.getKey()
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
        stack.add(allowed(module + "." + name, "STACK_GLOBAL", at));
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
    return new TensorRef(storage, offset.longValue(), longs(global, size), longs(global, stride));
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
              + (pid instanceof Object[] t ? Arrays.deepToString(t) : typeName(pid))
              + "; torch.save writes (\"storage\", torch.<Type>Storage, key, location, numel)",
          null);
    }
    return new StorageRef(key, type.dtype(), numel.longValue());
  }

  private long[] longs(String global, Object[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      if (!(values[i] instanceof Number n)) {
        throw malformed(global, values);
      }
      out[i] = n.longValue();
    }
    return out;
  }

  private CheckpointException malformed(String global, Object[] args) {
    return error(
        "calls " + global + " with unexpected arguments " + Arrays.deepToString(args), null);
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

  private static String typeName(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName();
  }
}
