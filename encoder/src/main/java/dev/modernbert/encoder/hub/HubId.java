package dev.modernbert.encoder.hub;

import java.io.Serializable;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A model repository on the Hugging Face Hub and a revision of it: {@code org/name}, {@code
 * org/name@revision} or {@code hf://org/name[@revision]}. The revision is a branch, a tag, {@code
 * refs/pr/N} or a 40-hex commit; {@code main} when none is given.
 *
 * @param repo {@code org/name}
 * @param revision branch, tag, {@code refs/pr/N} or commit
 */
public record HubId(String repo, String revision) implements Serializable {
  public static final String SCHEME = "hf://";
  public static final String DEFAULT_REVISION = "main";

  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  // huggingface_hub's validate_repo_id: word characters, '-' and '.', not at either end.
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?");
  private static final int MAX_REPO_LENGTH = 96;

  public HubId {
    if (!validRepo(repo)) {
      throw new IllegalArgumentException(
          "not a Hugging Face Hub repository id: " + repo + " (expected org/name)");
    }
    if (!validRevision(revision)) {
      throw new IllegalArgumentException(
          "not a valid revision: \""
              + revision
              + "\" (expected a branch, a tag, refs/pr/N or a 40-hex commit)");
    }
  }

  /**
   * The id that {@code spec} names by its syntax alone, or empty when it is not of the form {@code
   * org/name[@revision]}; an {@code hf://} spec that is malformed is an error, not empty. Whether a
   * local path of that name exists is the caller's question ({@link
   * dev.modernbert.encoder.source.ModelSource}).
   */
  public static Optional<HubId> parse(String spec) {
    if (spec == null) {
      return Optional.empty();
    }
    boolean explicit = spec.startsWith(SCHEME);
    String rest = explicit ? spec.substring(SCHEME.length()) : spec;
    int at = rest.indexOf('@');
    String repo = at < 0 ? rest : rest.substring(0, at);
    String revision = at < 0 ? DEFAULT_REVISION : rest.substring(at + 1);
    if (validRepo(repo) && validRevision(revision)) {
      return Optional.of(new HubId(repo, revision));
    }
    if (explicit) {
      throw new IllegalArgumentException(
          spec
              + " is not a Hugging Face Hub id (expected hf://org/name or hf://org/name@revision,"
              + " the revision a branch, a tag, refs/pr/N or a 40-hex commit)");
    }
    return Optional.empty();
  }

  /** True when {@code spec} starts with {@code hf://}: never a local path. */
  public static boolean isExplicit(String spec) {
    return spec != null && spec.startsWith(SCHEME);
  }

  public static boolean isCommit(String revision) {
    return revision != null && COMMIT.matcher(revision).matches();
  }

  /** True when the revision is a 40-hex commit (nothing to resolve). */
  public boolean pinned() {
    return isCommit(revision);
  }

  /** The same repository at {@code commit}. */
  public HubId at(String commit) {
    return new HubId(repo, commit);
  }

  /** The repository's folder in the cache: {@code models--org--name}. */
  public String folderName() {
    return "models--" + repo.replace("/", "--");
  }

  /** {@code hf://org/name@revision}: a spec that parses back to this id. */
  public String spec() {
    return SCHEME + repo + "@" + revision;
  }

  @Override
  public String toString() {
    return repo + "@" + revision;
  }

  private static boolean validRepo(String repo) {
    if (repo == null || repo.length() > MAX_REPO_LENGTH) {
      return false;
    }
    int slash = repo.indexOf('/');
    if (slash < 0 || slash != repo.lastIndexOf('/')) {
      return false;
    }
    return PART.matcher(repo.substring(0, slash)).matches()
        && PART.matcher(repo.substring(slash + 1)).matches()
        && !repo.contains("--")
        && !repo.contains("..");
  }

  // A git ref name as the Hub accepts it, and safe as a path under refs/ in the cache.
  private static boolean validRevision(String revision) {
    if (revision == null || revision.isEmpty() || revision.length() > 256) {
      return false;
    }
    if (revision.startsWith("/") || revision.endsWith("/") || revision.contains("//")) {
      return false;
    }
    for (String part : revision.split("/")) {
      if (part.equals(".") || part.equals("..") || part.startsWith(".")) {
        return false;
      }
    }
    return revision.chars().noneMatch(c -> c <= ' ' || c == '\\' || c == '@' || c == 0x7f);
  }
}
