package dev.modernbert.encoder.hub;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a model argument ({@code --model}, {@code modelPath}) names: a local path, which always wins
 * when it exists, or a Hugging Face Hub id ({@code org/name}, {@code org/name@revision}, {@code
 * hf://org/name[@revision]}). {@code demo} is the caller's: it is never a Hub id.
 */
public final class ModelLocation {
  private ModelLocation() {}

  /** The Hub id {@code spec} names, or empty for a local path (existing or not). */
  public static Optional<HubId> hubId(String spec) {
    if (HubId.isExplicit(spec)) {
      return HubId.parse(spec);
    }
    if (spec == null || existsLocally(spec)) {
      return Optional.empty();
    }
    return HubId.parse(spec);
  }

  /**
   * The local folder of {@code spec}: the path itself, or the Hub snapshot (downloaded as needed).
   *
   * @throws HubException naming the repository, revision and file when the Hub id cannot be had;
   *     for a bare {@code org/name} the message says that no local folder of that name exists
   */
  public static Path resolve(String spec, HubModels hub) {
    Optional<HubId> id = hubId(spec);
    if (id.isEmpty()) {
      return Path.of(spec);
    }
    try {
      return hub.snapshot(id.get());
    } catch (HubException e) {
      throw explained(spec, e);
    }
  }

  /** {@link #resolve(String, HubModels)} with this process's Hub settings. */
  public static Path resolve(String spec) {
    return hubId(spec).isEmpty() ? Path.of(spec) : resolve(spec, HubModels.system());
  }

  /**
   * {@code spec} with a Hub revision replaced by the commit it is at now ({@code
   * hf://org/name@<commit>}), so that everything that later loads it loads that commit; a local
   * path is returned as is.
   */
  public static String pin(String spec, HubModels hub) {
    Optional<HubId> id = hubId(spec);
    if (id.isEmpty()) {
      return spec;
    }
    try {
      return hub.pin(id.get()).spec();
    } catch (HubException e) {
      throw explained(spec, e);
    }
  }

  /** {@link #pin(String, HubModels)} with this process's Hub settings. */
  public static String pin(String spec) {
    return hubId(spec).isEmpty() ? spec : pin(spec, HubModels.system());
  }

  private static HubException explained(String spec, HubException e) {
    if (HubId.isExplicit(spec)) {
      return e;
    }
    return HubException.about(
        e,
        "no local folder "
            + spec
            + " (relative to "
            + Path.of("").toAbsolutePath()
            + "), and as a Hugging Face Hub id: "
            + e.getMessage());
  }

  private static boolean existsLocally(String spec) {
    try {
      return Files.exists(Path.of(spec));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
