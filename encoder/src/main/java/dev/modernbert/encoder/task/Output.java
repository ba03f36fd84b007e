package dev.modernbert.encoder.task;

import java.util.ArrayList;
import java.util.List;

/**
 * The outputs this project computes, one constant each: the registry every front end builds its
 * list from. The Spark stages ({@code ModernBertStages}), the job's {@code --task} values, the SQL
 * functions and the command line's commands ({@code cli.Main}) each map an output to their own
 * entry point in one exhaustive {@code switch}, so a new constant fails to compile until every
 * front end has it.
 *
 * <p>An output's {@link #id} is also the {@link TextTask#name} of the tasks that compute it.
 */
public enum Output {
  EMBED("embed", "encode", "embeddings (or last_hidden_state) for every line of a JSON Lines file"),
  CLASSIFY(
      "classify", "classify", "label, score and logits per line (sequence-classification models)"),
  TOKEN_CLASSIFY(
      "token-classify",
      "token-classify",
      "labels and logits per token, and entities (token-classification models)"),
  FILL_MASK("fill-mask", "fill-mask", "top-k predictions for every [MASK] token"),
  COLBERT("colbert", "colbert", "ColBERT token vectors of queries or documents (PyLate models)");

  private final String id;
  private final String command;
  private final String summary;

  Output(String id, String command, String summary) {
    this.id = id;
    this.command = command;
    this.summary = summary;
  }

  /** The job's {@code --task} value and the tasks' {@link TextTask#name}. */
  public String id() {
    return id;
  }

  /** The {@code modernbert} command that writes this output. */
  public String command() {
    return command;
  }

  /** What the output holds, in one line (the command list of {@code modernbert --help}). */
  public String summary() {
    return summary;
  }

  /** Every output's {@link #id}, in declaration order. */
  public static List<String> ids() {
    List<String> ids = new ArrayList<>();
    for (Output o : values()) {
      ids.add(o.id);
    }
    return ids;
  }

  /**
   * The output with this {@link #id}.
   *
   * @throws IllegalArgumentException naming the id and the known ones
   */
  public static Output of(String id) {
    for (Output o : values()) {
      if (o.id.equals(id)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown output \"" + id + "\"; the outputs are " + ids());
  }
}
