package dev.modernbert.encoder.weights;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.modernbert.encoder.checkpoint.CheckpointException;
import dev.modernbert.encoder.testing.Mutations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.zip.ZipFile;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing of the readers of untrusted weight files: random and mutated safetensors
 * files (around the tiny checkpoint), pickles (around the pytorch-bin fixture's data.pkl) and whole
 * torch.save zips. Each input is either accepted or refused with a {@link CheckpointException},
 * within a time bound: never a hang, an {@code Error} or a raw library exception. Tries are few and
 * files small, so each property runs in a few seconds.
 */
class LoaderFuzzTest {
  private static final Duration BOUND = Duration.ofSeconds(10);
  private static final byte[] SAFETENSORS = read(SafetensorsHeaderTest.TINY);
  private static final byte[] ZIP = read(TorchZips.BIN);
  private static final byte[] PICKLE = pickle();
  private static final Path TMP = tmpDir();

  private static byte[] read(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] pickle() {
    try (ZipFile zip = new ZipFile(TorchZips.BIN.toFile())) {
      return zip.getInputStream(zip.getEntry(TorchZips.PICKLE)).readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path tmpDir() {
    try {
      Path dir = Files.createTempDirectory("loader-fuzz");
      dir.toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openOrRefuse(byte[] bytes, String name) {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          Path f = Files.createTempFile(TMP, "fuzz", name);
          try {
            Files.write(f, bytes);
            try (TensorFile file = TensorFile.open(f)) {
              for (String t : file.tensors().keySet()) {
                file.bytes(t); // mapping every accepted tensor must work too
              }
            } catch (CheckpointException refused) {
              // the documented outcome for a bad file
            }
          } finally {
            Files.deleteIfExists(f);
          }
        });
  }

  private static int headerEnd(byte[] safetensors) {
    long n = 0;
    for (int i = 7; i >= 0; i--) {
      n = (n << 8) | (safetensors[i] & 0xFF);
    }
    return (int) (8 + n);
  }

  @Property(tries = 200)
  void mutatedSafetensorsHeadersAreReadOrRefused(@ForAll long seed) {
    openOrRefuse(Mutations.mutate(SAFETENSORS, seed, headerEnd(SAFETENSORS)), ".safetensors");
  }

  @Property(tries = 50)
  void randomSafetensorsFilesAreRefused(@ForAll @Size(max = 64) byte[] header, @ForAll long n) {
    byte[] len = new byte[8];
    for (int i = 0; i < 8; i++) {
      len[i] = (byte) ((i < 2 ? header.length : n) >>> (8 * i));
    }
    openOrRefuse(TorchZips.concat(len, header), ".safetensors");
  }

  @Property(tries = 300)
  void mutatedPicklesAreReadOrRefused(@ForAll long seed) {
    byte[] pickle = Mutations.mutate(PICKLE, seed, PICKLE.length);
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          try {
            TorchPickle.tensors(Path.of("fuzz.bin"), "archive/data.pkl", pickle);
          } catch (CheckpointException refused) {
            // the documented outcome for a bad pickle
          }
        });
  }

  @Property(tries = 150)
  void randomPicklesAreReadOrRefused(@ForAll @Size(max = 200) byte[] pickle) {
    assertTimeoutPreemptively(
        BOUND,
        () -> {
          try {
            TorchPickle.tensors(Path.of("fuzz.bin"), "archive/data.pkl", pickle);
          } catch (CheckpointException refused) {
            // the documented outcome for a bad pickle
          }
        });
  }

  @Property(tries = 150)
  void mutatedTorchZipsAreReadOrRefused(@ForAll long seed) {
    // Edits anywhere: local headers, the pickle, the central directory and its end record.
    Random r = new Random(seed);
    int focus = r.nextBoolean() ? ZIP.length : 4096;
    byte[] zip = Mutations.mutate(ZIP, seed, focus);
    if (r.nextBoolean()) { // the tail: central directory and end records
      zip = reverseMutateTail(zip, r);
    }
    openOrRefuse(zip, ".bin");
  }

  private static byte[] reverseMutateTail(byte[] zip, Random r) {
    byte[] b = zip.clone();
    for (int e = 0; e < 1 + r.nextInt(4) && b.length > 0; e++) {
      int at = b.length - 1 - r.nextInt(Math.min(b.length, 400));
      b[at] = (byte) (r.nextBoolean() ? r.nextInt(256) : (r.nextBoolean() ? 0xFF : 0x00));
    }
    return b;
  }
}
