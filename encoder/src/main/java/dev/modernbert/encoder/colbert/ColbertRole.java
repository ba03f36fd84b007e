package dev.modernbert.encoder.colbert;

import java.util.Locale;

/** What a text is to a ColBERT model: a query or a document (PyLate's {@code is_query}). */
public enum ColbertRole {
  QUERY,
  DOCUMENT;

  /** {@code query} or {@code document} (any case); anything else is refused, naming both. */
  public static ColbertRole parse(String role) {
    String r = role == null ? "" : role.trim().toLowerCase(Locale.ROOT);
    return switch (r) {
      case "query" -> QUERY;
      case "document" -> DOCUMENT;
      default ->
          throw new IllegalArgumentException(
              "role must be query or document, got \"" + role + "\"");
    };
  }

  /** The role as users write it: {@code query} or {@code document}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
