package dev.modernbert.encoder.hub;

/**
 * A model that cannot be had from the Hub or its cache; the message names the repository, the
 * revision and the file, and says what to do.
 */
public final class HubException extends RuntimeException {
  /** What went wrong, as huggingface_hub tells its errors apart. */
  public enum Kind {
    /** 404 {@code RepoNotFound}, or 401 (the Hub hides private repositories behind 401). */
    REPO_NOT_FOUND,
    /** 404 {@code RevisionNotFound}. */
    REVISION_NOT_FOUND,
    /** 404 {@code EntryNotFound}: the file is not in the repository at that revision. */
    ENTRY_NOT_FOUND,
    /** {@code GatedRepo}: the repository needs its terms accepted and a token. */
    GATED,
    /** 403 or another HTTP error status. */
    HTTP,
    /** Offline ({@code HF_HUB_OFFLINE}) and the file is not in the cache. */
    OFFLINE_NOT_CACHED,
    /** The server answered without the headers the protocol requires. */
    PROTOCOL,
    /** The server could not be reached or the transfer broke. */
    NETWORK
  }

  private final Kind kind;
  private final String repoCommit;

  HubException(Kind kind, String message, String repoCommit, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.repoCommit = repoCommit;
  }

  HubException(Kind kind, String message) {
    this(kind, message, null, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The {@code X-Repo-Commit} of the error response (a 404 for a file names it), or null. */
  String repoCommit() {
    return repoCommit;
  }

  /** True when the user must change the model name, revision, token or settings (not a retry). */
  public boolean isUsageError() {
    return kind != Kind.NETWORK && kind != Kind.PROTOCOL && kind != Kind.HTTP;
  }

  /** The same error (kind, commit, cause) with another message, e.g. one naming the argument. */
  public static HubException about(HubException e, String message) {
    return new HubException(e.kind, message, e.repoCommit, e.getCause());
  }
}
