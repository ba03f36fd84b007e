package dev.modernbert.encoder.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/** Random edits of a fixture's bytes, for the fuzz tests of the readers of untrusted files. */
public final class Mutations {
  private Mutations() {}

  /**
   * {@code original} with a few random edits near {@code focus} bytes from its start: bytes
   * overwritten (often with digits, brackets or quotes, which keep JSON and pickles parseable
   * further), ranges deleted or duplicated, the end cut off.
   */
  public static byte[] mutate(byte[] original, long seed, int focus) {
    Random r = new Random(seed);
    byte[] b = original.clone();
    int edits = 1 + r.nextInt(4);
    byte[] interesting =
        "0123456789-[]{}\",:eE.\u00ff\u0080\u007f".getBytes(StandardCharsets.ISO_8859_1);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = r.nextInt(Math.max(1, Math.min(b.length, focus)));
      switch (r.nextInt(6)) {
        case 0 -> b[at] = (byte) r.nextInt(256);
        case 1, 2 -> b[at] = interesting[r.nextInt(interesting.length)];
        case 3 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(16));
          byte[] out = new byte[b.length - len];
          System.arraycopy(b, 0, out, 0, at);
          System.arraycopy(b, at + len, out, at, b.length - at - len);
          b = out;
        }
        case 4 -> {
          int len = Math.min(b.length - at, 1 + r.nextInt(16));
          byte[] out = new byte[b.length + len];
          System.arraycopy(b, 0, out, 0, at + len);
          System.arraycopy(b, at, out, at + len, b.length - at);
          b = out;
        }
        default -> b = Arrays.copyOf(b, at + r.nextInt(Math.max(1, b.length - at)));
      }
    }
    return b;
  }
}
