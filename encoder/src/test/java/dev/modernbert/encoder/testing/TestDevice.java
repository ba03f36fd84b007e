package dev.modernbert.encoder.testing;

import dev.modernbert.encoder.EncoderOptions;
import dev.modernbert.encoder.runtime.DeviceSpec;

/**
 * The device the golden parity tests run on: the system property {@value #PROPERTY} ({@code cpu},
 * {@code cuda} or {@code cuda:N}; {@code cpu} when unset), e.g. {@code mvn -o -pl encoder test
 * -Dtest='*GoldenParity*' -Dmodernbert.test.device=cuda:0}. Tolerances and dtype (float32) are the
 * tests' own, whatever the device.
 */
public final class TestDevice {
  /** The one system property that moves the parity tests to another device. */
  public static final String PROPERTY = "modernbert.test.device";

  private TestDevice() {}

  /** The device asked for, checked: {@code cpu}, {@code cuda} or {@code cuda:N}. */
  public static String spec() {
    return spec(System.getProperty(PROPERTY));
  }

  static String spec(String value) {
    if (value == null || value.isBlank()) {
      return "cpu";
    }
    DeviceSpec d;
    try {
      d = DeviceSpec.parse(value);
    } catch (IllegalArgumentException e) {
      d = null;
    }
    if (d == null || d.kind() == DeviceSpec.Kind.AUTO) {
      throw new IllegalArgumentException(
          "-D" + PROPERTY + "=" + value + ": expected cpu, cuda or cuda:N");
    }
    return d.toString();
  }

  /** The default options on the test device. */
  public static EncoderOptions options() {
    return EncoderOptions.defaults().withDevice(DeviceSpec.parse(spec()));
  }
}
