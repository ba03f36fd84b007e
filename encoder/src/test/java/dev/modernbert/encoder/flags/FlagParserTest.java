package dev.modernbert.encoder.flags;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.modernbert.encoder.flags.FlagException.Problem;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagParserTest {
  private static final FlagParser PARSER =
      FlagParser.builder()
          .value("--model", "checkpoint folder")
          .value("--reps", "repetitions")
          .toggle("--normalize", "L2-normalise")
          .bool("--verbose", "say more")
          .build();

  private static FlagException refused(FlagParser parser, String... args) {
    return assertThrows(FlagException.class, () -> parser.parse(args));
  }

  @Test
  void helpOnlyInAFlagsPositionNeverAsAValue() {
    assertEquals(false, PARSER.wantsHelp("--model", "-h"));
    assertEquals(false, PARSER.wantsHelp("--model", "--help=x"));
    assertEquals(false, PARSER.wantsHelp("--model=-h", "--reps", "-1"));
    // parse never takes a --name as a value, so "--reps --help" asks for help
    assertEquals(true, PARSER.wantsHelp("--model=-h", "--reps", "--help"));
    assertEquals("-h", PARSER.parse("--model", "-h").get("--model"));
    assertEquals(true, PARSER.wantsHelp("--model", "m", "-h"));
    assertEquals(true, PARSER.wantsHelp("--help", "--model", "m"));
    assertEquals(true, PARSER.wantsHelp("--normalize", "-h"));
    assertEquals(true, PARSER.wantsHelp("--verbose", "-h"));
    assertEquals(false, PARSER.wantsHelp("--verbose", "true", "--reps", "-h"));
    assertEquals(true, PARSER.wantsHelp("--nope", "-h")); // help wins over an unknown flag
  }

  @Test
  void valuesSwitchesAndBothValueForms() {
    Map<String, String> v =
        PARSER.parse("--model", "m", "--reps=3", "--normalize", "--verbose", "false");
    assertEquals(
        Map.of("--model", "m", "--reps", "3", "--normalize", "true", "--verbose", "false"), v);
    assertEquals(List.of("--model", "--reps", "--normalize", "--verbose"), List.copyOf(v.keySet()));
    assertEquals(Map.of(), PARSER.parse());
  }

  @Test
  void valueMayStartWithOneDashOrContainEqualsOrBeEmpty() {
    assertEquals("-1", PARSER.parse("--reps", "-1").get("--reps"));
    assertEquals("a=b", PARSER.parse("--model=a=b").get("--model"));
    assertEquals("", PARSER.parse("--model=").get("--model"));
  }

  @Test
  void booleanTakesTrueOrFalseOnlyWhenGiven() {
    assertEquals("true", PARSER.parse("--verbose").get("--verbose"));
    assertEquals("TRUE", PARSER.parse("--verbose", "TRUE").get("--verbose"));
    assertEquals("false", PARSER.parse("--verbose=false").get("--verbose"));
    Map<String, String> v = PARSER.parse("--verbose", "--reps", "2");
    assertEquals("true", v.get("--verbose"));
    assertEquals("2", v.get("--reps"));
    // Anything else after it is not its value: here a stray argument.
    FlagException e = refused(PARSER, "--verbose", "yes");
    assertEquals(Problem.UNEXPECTED_ARGUMENT, e.problem());
    assertEquals("yes", e.argument());
  }

  @Test
  void unknownFlagIsRefusedByName() {
    FlagException e = refused(PARSER, "--model", "m", "--bogus", "1");
    assertEquals(Problem.UNKNOWN_FLAG, e.problem());
    assertEquals("--bogus", e.argument());
    assertNull(e.flag());
    assertEquals("unknown flag --bogus", e.getMessage());
    assertEquals("unknown flag --bogus", refused(PARSER, "--bogus=1").getMessage());
    assertEquals("unknown flag --=x", refused(PARSER, "--=x").getMessage());
  }

  @Test
  void strayArgumentsAreRefused() {
    for (String stray : List.of("m", "-h", "--", "-")) {
      FlagException e = refused(PARSER, stray);
      assertEquals(Problem.UNEXPECTED_ARGUMENT, e.problem(), stray);
      assertEquals("unexpected argument \"" + stray + "\"", e.getMessage());
    }
    assertEquals(
        "unexpected argument \"extra\"", refused(PARSER, "--model", "m", "extra").getMessage());
  }

  @Test
  void missingValueIsRefused() {
    FlagException last = refused(PARSER, "--model");
    assertEquals(Problem.NEEDS_VALUE, last.problem());
    assertEquals("--model needs a value", last.getMessage());
    assertSame(PARSER.flag("--model"), last.flag());
    assertEquals("checkpoint folder", last.flag().help());
    FlagException beforeFlag = refused(PARSER, "--model", "--reps", "3");
    assertEquals("--model needs a value", beforeFlag.getMessage());
  }

  @Test
  void switchTakesNoValue() {
    FlagException e = refused(PARSER, "--normalize=true");
    assertEquals(Problem.TAKES_NO_VALUE, e.problem());
    assertEquals("--normalize takes no value", e.getMessage());
    // The next argument is not taken as its value either: it is a stray argument.
    assertEquals(Problem.UNEXPECTED_ARGUMENT, refused(PARSER, "--normalize", "true").problem());
  }

  @Test
  void givenTwiceIsRefusedOrTheLaterWins() {
    FlagException e = refused(PARSER, "--reps", "1", "--reps=2");
    assertEquals(Problem.GIVEN_TWICE, e.problem());
    assertEquals("--reps is given twice", e.getMessage());
    assertEquals(
        "--normalize is given twice", refused(PARSER, "--normalize", "--normalize").getMessage());

    FlagParser lastWins =
        FlagParser.builder()
            .value("--mode", "")
            .value("--input", "")
            .repeats(FlagParser.Repeats.LAST_WINS)
            .build();
    Map<String, String> v = lastWins.parse("--mode", "a", "--input", "x", "--mode=b");
    assertEquals("b", v.get("--mode"));
    assertEquals(List.of("--mode", "--input"), List.copyOf(v.keySet()));
  }

  @Test
  void knowsItsFlags() {
    assertEquals("--model --reps --normalize --verbose", PARSER.names());
    assertEquals(4, PARSER.flags().size());
    assertEquals(FlagParser.Kind.BOOLEAN, PARSER.flag("--verbose").kind());
    assertEquals(true, PARSER.flag("--reps").takesValue());
    assertEquals(false, PARSER.flag("--normalize").takesValue());
    assertNull(PARSER.flag("--bogus"));
  }

  @Test
  void badDefinitionsAreProgrammingErrors() {
    assertThrows(IllegalArgumentException.class, () -> FlagParser.builder().value("model", ""));
    assertThrows(IllegalArgumentException.class, () -> FlagParser.builder().value("--a=b", ""));
    assertThrows(
        IllegalArgumentException.class,
        () -> FlagParser.builder().value("--a", "").toggle("--a", ""));
  }
}
