package dev.modernbert.encoder.weights;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A file (or a set of shards) of named tensors, whatever its format: {@code .safetensors} or a
 * zip-format {@code torch.save} file ({@code pytorch_model.bin}). Every weight consumer reads
 * through this, so both formats behave alike. Tensor bytes are memory-mapped, never copied whole
 * onto the heap.
 */
public interface TensorFile extends AutoCloseable {

  /** The file (for shards: the index) that error messages name. */
  Path path();

  /**
   * Every tensor by name: dtype ({@code F32}, {@code F16}, {@code BF16}, {@code I64}, ...) and
   * shape.
   */
  Map<String, TensorInfo> tensors();

  /**
   * The raw bytes of a tensor, read-only, little-endian, exactly {@code elementCount * width} long.
   */
  ByteBuffer bytes(String name);

  @Override
  void close();

  default TensorInfo info(String name) {
    TensorInfo info = tensors().get(name);
    if (info == null) {
      throw new CheckpointException(path() + ": no tensor named " + name);
    }
    return info;
  }

  /** A floating-point tensor as float32 values (F32, F16 or BF16 on disk). */
  default float[] readFloats(String name) {
    TensorInfo info = info(name);
    ByteBuffer f32 = FloatConversion.toFloat32(bytes(name), info, path());
    float[] out = new float[(int) info.elementCount()];
    f32.asFloatBuffer().get(out);
    return out;
  }

  /**
   * Opens one weight file by its content: a zip archive is read as {@code torch.save} output,
   * anything else as safetensors. Legacy (pre-zip) torch files are refused with how to convert
   * them.
   */
  static TensorFile open(Path file) {
    byte[] head = new byte[4];
    int n;
    try (InputStream in = Files.newInputStream(file)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new CheckpointException(file + ": cannot read: " + e.getMessage(), e);
    }
    if (n == 4 && head[0] == 'P' && head[1] == 'K') {
      return TorchZipFile.open(file);
    }
    if (n > 0 && (head[0] & 0xFF) == 0x80 && !file.toString().endsWith(".safetensors")) {
      // A pickle stream from its first byte: torch.save's format before PyTorch 1.6.
      throw new CheckpointException(
          file
              + " is a legacy (pre-zip) torch.save file, which is not read; convert it once with"
              + " Python: AutoModel.from_pretrained(dir).save_pretrained(dir,"
              + " safe_serialization=True) writes model.safetensors, or"
              + " torch.save(torch.load(f, weights_only=True), f) with PyTorch 1.6 or later"
              + " rewrites it in the zip format");
    }
    if (!file.toString().endsWith(".safetensors")) {
      throw new CheckpointException(
          file
              + " is neither a zip-format torch.save file nor safetensors (it does not start"
              + " with a zip header); re-save it with torch.save (PyTorch 1.6 or later) or"
              + " save_pretrained(dir, safe_serialization=True)");
    }
    return SafetensorsFile.open(file);
  }
}
