package dev.modernbert.spark.ml;

import dev.modernbert.encoder.options.Option;
import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * Spark Params from option declarations ({@link Option}): the Param's name and doc are the
 * option's, and its validator is the option's rule, so a bad value set on a stage gets the same
 * message as the same bad value given to the job or the CLI.
 */
final class OptionParams {
  private OptionParams() {}

  static Param<String> string(Params parent, Option<String> o) {
    require(o, Option.Type.STRING);
    return new Param<>(parent, o.name(), o.doc(), new Validator<String>(o));
  }

  static IntParam integer(Params parent, Option<Integer> o) {
    require(o, Option.Type.INT);
    return new IntParam(parent, o.name(), o.doc(), new Validator<Object>(o));
  }

  static BooleanParam bool(Params parent, Option<Boolean> o) {
    require(o, Option.Type.BOOLEAN);
    return new BooleanParam(parent, o.name(), o.doc()); // true and false are both valid
  }

  /**
   * What a stage says of a {@linkplain Option#required required} Param that is not set: {@code role
   * is not set (setRole("query") or setRole("document"))}, the setters of its choices, else {@code
   * topK is not set (setTopK (integer >= 1))}.
   */
  static String notSet(Option<?> o) {
    String setter = "set" + Character.toUpperCase(o.name().charAt(0)) + o.name().substring(1);
    return o.name()
        + " is not set ("
        + o.requirement(c -> setter + "(\"" + c + "\")", setter)
        + ")";
  }

  private static void require(Option<?> o, Option.Type type) {
    if (o.type() != type) {
      throw new IllegalArgumentException(o.name() + " is a " + o.type() + " option, not " + type);
    }
  }

  /**
   * The option's check as a Param validator: a bad value throws the option's message (Spark's own
   * "given invalid value" would not say what is expected).
   */
  private static final class Validator<T> extends AbstractFunction1<T, Object>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Option<?> option;

    Validator(Option<?> option) {
      this.option = option;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object apply(T value) {
      ((Option<Object>) option).check(option.name(), value);
      return true;
    }

    @Override
    public String toString() {
      return option.describeValues();
    }
  }
}
