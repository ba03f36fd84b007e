package dev.modernbert.encoder.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modernbert.encoder.options.RunOptions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class GemmSpecTest {

  @Test
  void parsesTheOptionsValuesCaseInsensitively() {
    assertEquals(GemmSpec.AUTO, GemmSpec.parse("auto"));
    assertEquals(GemmSpec.DEFAULT, GemmSpec.parse("Default"));
    assertEquals(GemmSpec.ONEDNN, GemmSpec.parse(" ONEDNN "));
  }

  @ParameterizedTest
  @EnumSource(GemmSpec.class)
  void toStringIsTheNameUsersGiveAndParsesBack(GemmSpec g) {
    assertEquals(g.name().toLowerCase(java.util.Locale.ROOT), g.toString());
    assertEquals(g, GemmSpec.parse(g.toString()));
  }

  @Test
  void theOptionDeclaresTheNamesInOrder() {
    assertEquals(List.of("auto", "default", "onednn"), GemmSpec.NAMES);
    assertEquals(GemmSpec.NAMES, RunOptions.GEMM.choices());
    assertEquals(GemmSpec.AUTO, GemmSpec.parse(String.valueOf(RunOptions.GEMM.defaultValue())));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mkl", "", "on-dnn"})
  void aBadValueIsRefusedNamingItAndTheChoices(String bad) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GemmSpec.parse(bad));
    assertEquals("bad gemm \"" + bad + "\": expected auto, default, onednn", e.getMessage());
  }

  @Test
  void nullIsRefusedLikeABadValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> GemmSpec.parse(null));
    assertEquals("bad gemm \"null\": expected auto, default, onednn", e.getMessage());
  }

  @Test
  void routeIsTheForcedRouteOrNullForAuto() {
    assertNull(GemmSpec.AUTO.route());
    assertEquals(GemmRoute.DEFAULT, GemmSpec.DEFAULT.route());
    assertEquals(GemmRoute.ONEDNN, GemmSpec.ONEDNN.route());
  }

  @ParameterizedTest
  @EnumSource(GemmRoute.class)
  void everyRouteCanBeForcedByItsId(GemmRoute r) {
    assertEquals(r, GemmSpec.parse(r.id()).route());
  }
}
