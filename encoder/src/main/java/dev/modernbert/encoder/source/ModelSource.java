package dev.modernbert.encoder.source;

import dev.modernbert.encoder.demo.DemoModel;
import dev.modernbert.encoder.hub.HubException;
import dev.modernbert.encoder.hub.HubId;
import dev.modernbert.encoder.hub.HubModels;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a model argument ({@code --model}, {@code modelPath}) names, decided once by {@link #parse}
 * and carried as this value from the driver to the executors:
 *
 * <ul>
 *   <li>{@link Demo}: {@code demo}, the generated demo model;
 *   <li>{@link LocalFolder}: a path without a URI scheme that exists here, or that is no Hub id;
 *   <li>{@link HadoopUri}: any URI with a scheme ({@code hdfs://}, {@code s3a://}, {@code file://},
 *       ...), copied through Hadoop's FileSystem by the Spark layer ({@code ModelFiles}), which the
 *       encoder does not have;
 *   <li>{@link Hub}: a Hugging Face Hub id, {@code hf://org/name[@revision]} or {@code
 *       org/name[@revision]} when no local folder of that name exists.
 * </ul>
 *
 * The driver pins a Hub revision to its commit ({@link #pinned}) and reads only what {@link
 * #folderHere} gives it (never a Hub snapshot: the weights are fetched where the model loads);
 * {@link #localize} gives the checkpoint folder where the model loads.
 */
public sealed interface ModelSource extends Serializable
    permits ModelSource.Demo, ModelSource.LocalFolder, ModelSource.HadoopUri, ModelSource.Hub {

  /** What a model argument may be, in words, for messages. */
  String FORMS =
      "a local checkpoint folder, a Hadoop FileSystem URI such as hdfs://, s3a:// or file://, a"
          + " Hugging Face Hub id such as org/name@revision, or demo";

  /**
   * The one parser of model arguments. A local path wins over a Hub id of the same name; a
   * one-letter scheme ({@code C:}) is a Windows drive, not a URI.
   *
   * @throws IllegalArgumentException for a blank argument or a malformed {@code hf://} id
   */
  static ModelSource parse(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("no model given (" + FORMS + ")");
    }
    if (DemoModel.NAME.equals(spec)) {
      return new Demo();
    }
    if (HubId.isExplicit(spec)) {
      return new Hub(HubId.parse(spec).orElseThrow(), spec);
    }
    URI uri = uriWithScheme(spec);
    if (uri != null) {
      return new HadoopUri(uri);
    }
    if (!existsLocally(spec)) {
      Optional<HubId> id = HubId.parse(spec);
      if (id.isPresent()) {
        return new Hub(id.get(), spec);
      }
    }
    return new LocalFolder(spec);
  }

  /** The argument this source came from (a pinned Hub id as {@code hf://org/name@commit}). */
  String spec();

  /**
   * The checkpoint folder here, downloading a Hub snapshot into the Hugging Face cache as needed.
   */
  Path localize();

  /**
   * The folder the driver may read without fetching anything: {@code demo}, or a local folder that
   * exists here; empty for Hub ids (their files are fetched where the model loads), Hadoop URIs and
   * local paths the driver does not have.
   */
  Optional<Path> folderHere();

  /** This source with a Hub revision replaced by the commit it is at now; others as they are. */
  default ModelSource pinned() {
    return this;
  }

  /**
   * The driver's check of a source the encoder can read: a local folder exists and has a {@code
   * config.json}; a Hub id is pinned (its repository and revision exist, or are cached offline).
   * Hadoop URIs are checked by the Spark layer, which has a FileSystem.
   *
   * @return the pinned source
   * @throws IllegalArgumentException naming the problem and the fix (the caller names the argument)
   * @throws dev.modernbert.encoder.hub.HubException when a Hub id cannot be pinned (not found,
   *     gated, offline and not cached), naming the repository and revision
   */
  default ModelSource checkOnDriver() {
    return pinned();
  }

  /** {@code demo}: the generated demo model, written once per machine. */
  record Demo() implements ModelSource {
    @Override
    public String spec() {
      return DemoModel.NAME;
    }

    @Override
    public Path localize() {
      return DemoModel.ensure();
    }

    @Override
    public Optional<Path> folderHere() {
      return Optional.of(localize());
    }
  }

  /** A folder on this machine's file system (and on every executor's). */
  record LocalFolder(String path) implements ModelSource {
    @Override
    public String spec() {
      return path;
    }

    @Override
    public Path localize() {
      return Path.of(path);
    }

    @Override
    public Optional<Path> folderHere() {
      Path dir = localize();
      return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
    }

    @Override
    public ModelSource checkOnDriver() {
      Path dir = localize();
      if (!Files.exists(dir)) {
        throw new IllegalArgumentException(
            "the model path does not exist (a local path must exist on the driver and"
                + " every executor; use a Hadoop URI such as hdfs:// or file:// to have it"
                + " copied, or demo)");
      }
      if (!Files.isRegularFile(dir.resolve("config.json"))) {
        throw new IllegalArgumentException("no config.json there (it must be a checkpoint folder)");
      }
      return this;
    }
  }

  /** A folder behind a Hadoop FileSystem URI, copied where the model loads by the Spark layer. */
  record HadoopUri(URI uri) implements ModelSource {
    @Override
    public String spec() {
      return uri.toString();
    }

    /**
     * @throws IllegalArgumentException always: only the Spark layer, which has Hadoop, copies it
     */
    @Override
    public Path localize() {
      throw new IllegalArgumentException(
          uri
              + " is a Hadoop FileSystem URI, which only the Spark stages, SQL functions and the"
              + " job read; give a local checkpoint folder, a Hugging Face Hub id or demo");
    }

    @Override
    public Optional<Path> folderHere() {
      return Optional.empty();
    }
  }

  /**
   * A Hugging Face Hub repository at a revision.
   *
   * @param given the argument as given ({@code org/name[@revision]} or {@code hf://...}); a pinned
   *     id's is {@code hf://org/name@commit}
   */
  record Hub(HubId id, String given) implements ModelSource {
    @Override
    public String spec() {
      return given;
    }

    @Override
    public Path localize() {
      return snapshot(HubModels.system());
    }

    /** The snapshot folder of this id in {@code hub}'s cache, downloading what is missing. */
    public Path snapshot(HubModels hub) {
      try {
        return hub.snapshot(id);
      } catch (HubException e) {
        throw explained(e);
      }
    }

    @Override
    public Optional<Path> folderHere() {
      return Optional.empty();
    }

    @Override
    public Hub pinned() {
      return pinned(HubModels.system());
    }

    /**
     * This id at the commit its revision is at now in {@code hub}, as {@code hf://org/name@commit}.
     */
    public Hub pinned(HubModels hub) {
      try {
        HubId commit = hub.pin(id); // a commit is returned as is, with no request
        return new Hub(commit, commit.spec());
      } catch (HubException e) {
        throw explained(e);
      }
    }

    private HubException explained(HubException e) {
      if (HubId.isExplicit(given)) {
        return e; // never a local path, so the local folder is not worth a word
      }
      return HubException.about(
          e,
          "no local folder "
              + given
              + " (relative to "
              + Path.of("").toAbsolutePath()
              + "), and as a Hugging Face Hub id: "
              + e.getMessage());
    }
  }

  private static URI uriWithScheme(String spec) {
    try {
      URI uri = new URI(spec);
      String scheme = uri.getScheme();
      return scheme != null && scheme.length() > 1 ? uri : null; // "C:" is a drive, not a scheme
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static boolean existsLocally(String spec) {
    try {
      return Files.exists(Path.of(spec));
    } catch (InvalidPathException e) {
      return false;
    }
  }
}
