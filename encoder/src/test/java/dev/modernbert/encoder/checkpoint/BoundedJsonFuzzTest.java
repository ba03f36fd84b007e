package dev.modernbert.encoder.checkpoint;

import com.google.gson.JsonParseException;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/** Random bracket-heavy text: parsed, or refused with Gson's exception; never an Error. */
class BoundedJsonFuzzTest {
  @Property(tries = 300)
  void anyTextIsParsedOrRefusedWithAJsonParseException(
      @ForAll @StringLength(max = 2000) @CharRange(from = ' ', to = '}') String text) {
    try {
      BoundedJson.parse(text).toString();
    } catch (JsonParseException expected) {
      // refused: the documented outcome for bad or too deep JSON
    }
  }
}
