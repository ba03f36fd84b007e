package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.options.Option;
import java.util.List;

/** A command's "Options:" section, generated from its option declarations. */
final class CliHelp {
  private CliHelp() {}

  private static final int WIDTH = 100;
  private static final int TEXT_COLUMN = 23;

  /** {@code Options:} then one entry per option and {@code --help}. */
  static String section(List<Option<?>> options) {
    StringBuilder sb = new StringBuilder("Options:\n");
    for (Option<?> o : options) {
      entry(sb, "  " + o.flag() + metavar(o), o.help());
    }
    entry(sb, "  --help", "this text");
    return sb.toString();
  }

  /** What follows a flag in help: N for an integer, nothing for a switch. */
  private static String metavar(Option<?> o) {
    return switch (o.type()) {
      case INT -> " N";
      case BOOLEAN -> "";
      case STRING -> o.choices().isEmpty() ? " TEXT" : " CHOICE";
    };
  }

  private static void entry(StringBuilder sb, String head, String text) {
    String pad = " ".repeat(TEXT_COLUMN);
    if (head.length() >= TEXT_COLUMN - 1) {
      sb.append(head).append('\n').append(pad);
    } else {
      sb.append(head).append(" ".repeat(TEXT_COLUMN - head.length()));
    }
    int col = TEXT_COLUMN;
    boolean first = true;
    for (String word : text.split(" ")) {
      if (!first && col + 1 + word.length() > WIDTH) {
        sb.append('\n').append(pad);
        col = TEXT_COLUMN;
        first = true;
      }
      if (!first) {
        sb.append(' ');
        col++;
      }
      sb.append(word);
      col += word.length();
      first = false;
    }
    sb.append('\n');
  }
}
