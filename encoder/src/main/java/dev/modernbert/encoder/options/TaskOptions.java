package dev.modernbert.encoder.options;

import dev.modernbert.encoder.colbert.ColbertRole;
import dev.modernbert.encoder.colbert.ColbertSettings;
import java.util.Arrays;
import java.util.List;

/** The options of one task each: fill-mask's topK and ColBERT's role and settings. */
public final class TaskOptions {
  private TaskOptions() {}

  public static final Option<Integer> TOP_K =
      Option.integer("topK", "predictions per mask token", 5, 1);

  public static final Option<String> ROLE =
      Option.choice(
              "role",
              "query | document: how PyLate encodes the texts (prefix token, length, query"
                  + " expansion; documents drop skiplist tokens). Required",
              null,
              Arrays.stream(ColbertRole.values()).map(ColbertRole::label).toList())
          .required();

  public static final Option<Integer> QUERY_LENGTH =
      Option.integer(
          "queryLength",
          "query ids, prefix and special tokens included; unset: the folder's" + " query_length",
          null,
          ColbertSettings.MIN_LENGTH);

  public static final Option<Integer> DOCUMENT_LENGTH =
      Option.integer(
          "documentLength",
          "most document ids; unset: the folder's document_length",
          null,
          ColbertSettings.MIN_LENGTH);

  public static final Option<Boolean> DO_QUERY_EXPANSION =
      Option.bool(
          "doQueryExpansion",
          "pad queries to {queryLength} with [MASK]; unset: the folder's" + " do_query_expansion",
          null);

  public static final Option<Boolean> ATTEND_TO_EXPANSION_TOKENS =
      Option.bool(
          "attendToExpansionTokens",
          "let expansion tokens take part in attention (false: their rows are those"
              + " PyLate gives under FlashAttention); unset: the folder's"
              + " attend_to_expansion_tokens",
          null);

  /** Every option of this catalog, in reference order. */
  public static final List<Option<?>> ALL =
      List.of(
          TOP_K,
          ROLE,
          QUERY_LENGTH,
          DOCUMENT_LENGTH,
          DO_QUERY_EXPANSION,
          ATTEND_TO_EXPANSION_TOKENS);
}
