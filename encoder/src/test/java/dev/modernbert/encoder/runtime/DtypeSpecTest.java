package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modernbert.encoder.options.RunOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

class DtypeSpecTest {

  @Test
  void namesAreTheOptionsChoicesAndParseBackIgnoringCaseAndSpaces() {
    assertEquals(List.of("auto", "float32", "float16", "bfloat16"), DtypeSpec.NAMES);
    assertEquals(RunOptions.DTYPE.choices(), DtypeSpec.NAMES);
    for (DtypeSpec d : DtypeSpec.values()) {
      assertEquals(d, DtypeSpec.parse(" " + d.toString().toUpperCase() + " "));
    }
  }

  @Test
  void aBadValueIsNamedWithTheChoices() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DtypeSpec.parse("fp8"));
    assertEquals("bad dtype \"fp8\": expected auto, float32, float16, bfloat16", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DtypeSpec.parse(null));
  }

  @Test
  void autoIsFloat16OnAGpuAndFloat32OnTheCpu() {
    assertEquals(Precision.FLOAT16, DtypeSpec.AUTO.on(true));
    assertEquals(Precision.FLOAT32, DtypeSpec.AUTO.on(false));
    assertThrows(IllegalArgumentException.class, () -> DtypeSpec.BFLOAT16.on(true));
  }
}
