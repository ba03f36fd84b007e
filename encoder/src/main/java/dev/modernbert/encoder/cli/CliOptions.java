package dev.modernbert.encoder.cli;

import dev.modernbert.encoder.options.EmbedOptions;
import dev.modernbert.encoder.options.Option;
import dev.modernbert.encoder.options.RunOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * The CLI's own options and its variants of shared ones (another default, a historic flag name),
 * declared like every option ({@link Option}). The row commands list the options they take with
 * {@link #rowCommand}; their help is generated from the declarations ({@link CliHelp}).
 */
final class CliOptions {
  private CliOptions() {}

  /**
   * The model, as the CLI reads it: not {@link RunOptions#MODEL_PATH}, whose Hadoop URIs only the
   * Spark side reads.
   */
  static final Option<String> MODEL =
      Option.text(
              "modelFolder",
              "a ModernBERT checkpoint folder (config.json, weights, tokenizer.json; a local folder"
                  + " wins over a Hub id of the same name), demo for the bundled demo model, or a"
                  + " Hugging Face Hub id org/name[@revision] (also hf://org/name[@revision]), fetched"
                  + " into the Hugging Face cache",
              null)
          .withFlag("--model");

  static final Option<String> INPUT =
      Option.text("inputFile", "JSON Lines input file", null).withFlag("--input");

  static final Option<String> OUTPUT =
      Option.text(
              "outputFile",
              "JSON Lines output file (written atomically: complete or absent); - for standard"
                  + " output; a FIFO or device is written in place",
              null)
          .withFlag("--output");

  /** The CLI runs on the CPU unless told otherwise (Spark's auto follows its GPU resources). */
  static final Option<String> DEVICE = RunOptions.DEVICE.withDefault("cpu");

  static final Option<String> DTYPE = RunOptions.DTYPE.withDefault("float32");

  static final Option<Integer> THREADS = RunOptions.NUM_THREADS.withFlag("--threads");

  static final Option<Integer> BLOCK_ROWS =
      Option.integer(
          "blockRows", "input lines per encoder call; bounds memory", Job.DEFAULT_BLOCK_ROWS, 1);

  /** The older name of {@link #BLOCK_ROWS}, still accepted. */
  static final Option<Integer> CHUNK_ROWS =
      Option.integer(
          "chunkRows", "the older name of --block-rows, still accepted", Job.DEFAULT_BLOCK_ROWS, 1);

  /** encode's pooling: the embedder's, or none for the hidden states. */
  static final Option<String> POOLING =
      EmbedOptions.POOLING.orAlso(
          "none", "no pooling: last_hidden_state, one vector per token (encode only)");

  static final Option<Integer> TOP_LABELS =
      Option.integer("topLabels", "add the K best labels with their scores", null, 1)
          .withFlag("--top-k");

  static final Option<Integer> MASK_ID =
      Option.integer(
          "maskId",
          "the mask token id; unset: the tokenizer's mask_token (required when the model has no"
              + " tokenizer.json)",
          null,
          0);

  /**
   * A row command's options: the model, input and output, the command's own ({@code own}), then how
   * the encoder runs.
   */
  static List<Option<?>> rowCommand(Option<?>... own) {
    return rowCommand(List.of(own));
  }

  /** {@link #rowCommand(Option...)} with the command's own options as a list. */
  static List<Option<?>> rowCommand(List<Option<?>> own) {
    List<Option<?>> all = new ArrayList<>(List.of(MODEL, INPUT, OUTPUT));
    all.addAll(own);
    all.addAll(
        List.of(
            RunOptions.MAX_LENGTH,
            RunOptions.BATCH_TOKENS,
            DEVICE,
            DTYPE,
            RunOptions.GEMM,
            THREADS,
            BLOCK_ROWS,
            CHUNK_ROWS));
    return List.copyOf(all);
  }
}
