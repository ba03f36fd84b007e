package dev.modernbert.encoder.options;

import dev.modernbert.encoder.pool.Pooling;
import java.util.ArrayList;
import java.util.List;

/** How a text becomes one embedding: the options of the embed stage, job task and CLI command. */
public final class EmbedOptions {
  private EmbedOptions() {}

  public static final Option<String> POOLING =
      Option.choice(
          "pooling",
          "auto: the checkpoint's sentence-transformers pipeline (modules.json: Pooling, Dense,"
              + " Normalize), else its 1_Pooling/config.json, else cls; or one of "
              + String.join(", ", poolingModes().subList(1, poolingModes().size()))
              + ", which replaces only the Pooling module",
          Pooling.AUTO.id(),
          poolingModes());

  public static final Option<Boolean> NORMALIZE =
      Option.bool("normalize", "L2-normalise each embedding (after {truncateDim})", false);

  public static final Option<String> PROMPT =
      Option.text(
          "prompt",
          "text put before every text; \"\" = no prompt, not even the default; unset ="
              + " {promptName}, else the model's default_prompt_name",
          null);

  public static final Option<String> PROMPT_NAME =
      Option.text(
          "promptName",
          "a prompt of the model's config_sentence_transformers.json (e.g. query, document);"
              + " \"\" = its default_prompt_name",
          "");

  public static final Option<Integer> TRUNCATE_DIM =
      Option.integer(
          "truncateDim",
          "keep the first N values of each embedding (Matryoshka); 0 keeps all",
          0,
          0);

  public static final Option<String> PRECISION =
      Option.choice(
          "precision",
          "float32 | float16 (binary: little-endian IEEE halves) | binary | ubinary (binary: the"
              + " sign bits as sentence-transformers' quantize_embeddings packs them); all but"
              + " float32 need {outputType} array",
          "float32",
          List.of("float32", "float16", "binary", "ubinary"));

  /** Every option of this catalog, in reference order. */
  public static final List<Option<?>> ALL =
      List.of(POOLING, NORMALIZE, PROMPT, PROMPT_NAME, TRUNCATE_DIM, PRECISION);

  private static List<String> poolingModes() {
    List<String> modes = new ArrayList<>();
    for (Pooling p : Pooling.values()) {
      modes.add(p.id());
    }
    return modes;
  }
}
