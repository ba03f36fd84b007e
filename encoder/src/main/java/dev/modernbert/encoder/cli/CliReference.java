package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.options.Option;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The options each {@code bin/modernbert} command takes, for the generated option reference. */
public final class CliReference {
  private CliReference() {}

  /** Command name to its options, in the order of the commands' help. */
  public static Map<String, List<Option<?>>> optionsByCommand() {
    Map<String, List<Option<?>>> out = new LinkedHashMap<>();
    out.put(EncodeCommand.NAME, EncodeCommand.OPTIONS);
    out.put(TokenizeCommand.NAME, TokenizeCommand.OPTIONS);
    out.put(ClassifyCommand.NAME, ClassifyCommand.OPTIONS);
    out.put(TokenClassifyCommand.NAME, TokenClassifyCommand.OPTIONS);
    out.put(FillMaskCommand.NAME, FillMaskCommand.OPTIONS);
    out.put(ColbertCommand.NAME, ColbertCommand.OPTIONS);
    out.put(DoctorCommand.NAME, DoctorCommand.OPTIONS);
    return out;
  }
}
