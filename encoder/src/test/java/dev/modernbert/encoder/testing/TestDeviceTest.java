package dev.modernbert.encoder.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The parity tests' device property: parsing only, no device is opened. */
class TestDeviceTest {
  @Test
  void unsetOrBlankIsTheCpu() {
    assertEquals("cpu", TestDevice.spec(null));
    assertEquals("cpu", TestDevice.spec(" "));
  }

  @Test
  void cudaAndAnOrdinalAreKept() {
    assertEquals("cuda", TestDevice.spec("cuda"));
    assertEquals("cuda:1", TestDevice.spec(" CUDA:1 "));
    assertEquals("cpu", TestDevice.spec("CPU"));
  }

  @Test
  void autoAndNonsenseAreRefusedNamingTheProperty() {
    for (String bad : new String[] {"auto", "gpu", "cuda:x"}) {
      String msg =
          assertThrows(IllegalArgumentException.class, () -> TestDevice.spec(bad)).getMessage();
      assertTrue(msg.contains("-Dmodernbert.test.device=" + bad), msg);
    }
  }

  @Test
  void theOptionsCarryTheDevice() {
    // the surefire run sets no property unless asked: then the parity tests run on the CPU
    String expected = TestDevice.spec();
    assertEquals(expected, TestDevice.options().device().toString());
    assertEquals("float32", TestDevice.options().dtype().toString());
  }
}
