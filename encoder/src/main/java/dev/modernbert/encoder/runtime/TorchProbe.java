package dev.modernbert.encoder.runtime;

import ai.djl.engine.Engine;
import ai.djl.util.Platform;
import ai.djl.util.Utils;
import ai.djl.util.cuda.CudaUtils;
import dev.modernbert.encoder.runtime.TorchFacts.JniSource;
import dev.modernbert.encoder.runtime.TorchFacts.LibtorchSource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Gathers {@link TorchFacts} from DJL (its platform, cache, CUDA utilities), the settings
 * (environment or system properties, as DJL reads them) and the file system, without loading
 * libtorch: it replays DJL 0.35.1's search for libtorch and its JNI ({@code LibUtils}), so that
 * {@link TorchCheck} can refuse a set-up before loading it would abort the JVM. The one place that
 * knows where DJL looks.
 */
public final class TorchProbe {
  static final String JNI_NAME = "libdjl_torch.so";
  private static final Pattern CUDART = Pattern.compile("libcudart[^/]*\\.so[.0-9]*");
  private static final Pattern VERSION_PY =
      Pattern.compile("__version__\\s*=\\s*['\"]([^'\"]+)['\"]");

  private TorchProbe() {}

  /** The facts before the engine loads. */
  public static TorchFacts gather() {
    String djlVersion = djlVersion();
    boolean offline = Utils.isOfflineMode();
    Path cache = Utils.getEngineCacheDir("pytorch");
    String libraryPath = setting("PYTORCH_LIBRARY_PATH");
    String flavorSetting = setting("PYTORCH_FLAVOR");
    String versionSetting = setting("PYTORCH_VERSION");

    Platform platform = Platform.detectPlatform("pytorch");
    String classifier = platform.getClassifier();
    String platformVersion = platform.getVersion();

    LibtorchSource source;
    Path libDir = findLibtorch(libraryPath);
    String libVersion = null;
    boolean libCuda = false;
    String djlTorchVersion;
    String flavor;
    if (libDir != null) {
      source =
          libraryPath != null && libtorchIn(libraryPath) != null
              ? LibtorchSource.PYTORCH_LIBRARY_PATH
              : LibtorchSource.JAVA_LIBRARY_PATH;
      libVersion = libtorchVersion(libDir);
      libCuda = Files.exists(libDir.resolve("libtorch_cuda.so"));
      djlTorchVersion = versionSetting != null ? versionSetting : platformVersion;
      flavor = flavorSetting != null ? flavorSetting : guessedFlavor(platform);
    } else if (!platform.isPlaceholder()
        && (versionSetting == null || platformVersion.startsWith(versionSetting))) {
      source = LibtorchSource.BUNDLED;
      flavor = platform.getFlavor();
      libDir = cache.resolve(platformVersion + '-' + flavor + '-' + classifier);
      libVersion = platformVersion;
      djlTorchVersion = platformVersion;
    } else {
      source = LibtorchSource.NONE;
      djlTorchVersion = versionSetting != null ? versionSetting : platformVersion;
      flavor = flavorSetting != null ? flavorSetting : guessedFlavor(platform);
    }

    Properties jni = resourceProperties("jnilib/pytorch.properties");
    String jarJniVersion = jni == null ? null : jni.getProperty("jni_version");
    List<String> jarFlavors = jarJniFlavors(classifier);

    // LibUtils.findJniLibrary, in its order.
    JniSource jniSource = JniSource.NONE;
    String jniPath = null;
    String jniFlavor = null;
    String jniBuiltFor = null;
    if (libDir != null && source != LibtorchSource.NONE) {
      Path inLib =
          firstExisting(libDir.resolve(djlVersion + '-' + JNI_NAME), libDir.resolve(JNI_NAME));
      String base = TorchFacts.baseVersion(djlTorchVersion);
      Path cached =
          cache
              .resolve(djlTorchVersion + '-' + flavor + '-' + classifier)
              .resolve(djlVersion + '-' + JNI_NAME);
      if (inLib != null) {
        jniSource = JniSource.LIBTORCH_DIR;
        jniPath = inLib.toString();
        if (source == LibtorchSource.BUNDLED) { // extracted there by DJL from pytorch-jni
          jniFlavor = flavor;
          jniBuiltFor = base;
        }
      } else if (Files.exists(cached)) {
        jniSource = JniSource.CACHE;
        jniPath = cached.toString();
        jniFlavor = flavor;
        jniBuiltFor = base;
      } else if (jarJniVersion != null
          && base != null
          && jarJniVersion.startsWith(base + '-' + djlVersion)
          && jarFlavors.contains(flavor)) {
        jniSource = JniSource.JAR;
        jniPath =
            "pytorch-jni-"
                + jarJniVersion
                + ".jar!/jnilib/"
                + classifier
                + '/'
                + flavor
                + '/'
                + JNI_NAME;
        jniFlavor = flavor;
        jniBuiltFor = base;
      }
    }

    boolean cudart = false;
    String cudaVersion = null;
    int cudartGpus = 0;
    try {
      cudaVersion = CudaUtils.getCudaVersionString();
      cudart = true;
      cudartGpus = Math.max(0, CudaUtils.getGpuCount());
    } catch (RuntimeException | LinkageError e) {
      // no cudart: JNA cannot load it
    }

    return new TorchFacts(
        djlVersion,
        offline,
        cache.toString(),
        writable(cache),
        libraryPath,
        flavorSetting,
        versionSetting,
        platform.isPlaceholder() ? null : platformVersion,
        source,
        libDir == null ? null : libDir.toString(),
        libVersion,
        libCuda,
        djlTorchVersion,
        flavor,
        jarJniVersion,
        jarFlavors,
        jniSource,
        jniPath,
        jniFlavor,
        jniBuiltFor,
        cudart,
        cudaVersion,
        cudartGpus,
        cudart ? List.of() : cudartCandidates(libDir),
        System.getenv("CUDA_VISIBLE_DEVICES"),
        false,
        false,
        -1);
  }

  /** The facts with the loaded engine's report. */
  public static TorchFacts withEngine(TorchFacts facts, Engine engine) {
    boolean cuda = engine.hasCapability("CUDA");
    return facts.withEngine(cuda, engine.getGpuCount());
  }

  /** A setting as DJL reads it: the environment variable, else the system property; "" is none. */
  static String setting(String name) {
    String v = Utils.getEnvOrSystemProperty(name);
    return v == null || v.isBlank() ? null : v.trim();
  }

  private static String djlVersion() {
    Properties p = resourceProperties("pytorch-engine.properties");
    String v = p == null ? null : p.getProperty("djl_version");
    return v == null ? Engine.getDjlVersion() : v;
  }

  /** The flavor DJL picks without PYTORCH_FLAVOR (LibUtils.LibTorch): from cudart, else cpu. */
  private static String guessedFlavor(Platform platform) {
    try {
      if (CudaUtils.getGpuCount() > 0) {
        return "cu" + CudaUtils.getCudaVersionString() + "-precxx11";
      }
    } catch (RuntimeException | LinkageError e) {
      // no cudart
    }
    return "linux".equals(platform.getOsPrefix()) ? "cpu-precxx11" : "cpu";
  }

  private static Path findLibtorch(String libraryPath) {
    Path p = libraryPath == null ? null : libtorchIn(libraryPath);
    return p != null ? p : libtorchIn(System.getProperty("java.library.path"));
  }

  /** LibUtils.findLibraryInPath: the first folder holding libtorch.so (or libtorch.so itself). */
  private static Path libtorchIn(String paths) {
    if (paths == null) {
      return null;
    }
    String lib = System.mapLibraryName("torch");
    for (String entry : paths.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      File f = new File(entry);
      if (!f.exists()) {
        continue;
      }
      if (f.isFile() && lib.equals(f.getName())) {
        return f.getParentFile().toPath().toAbsolutePath();
      }
      if (new File(f, lib).isFile()) {
        return f.toPath().toAbsolutePath();
      }
    }
    return null;
  }

  /**
   * The version a libtorch folder says it is: {@code ../build-version} (the libtorch zip) or {@code
   * ../version.py} (a pip torch); null when neither exists.
   */
  static String libtorchVersion(Path libDir) {
    Path parent = libDir.toAbsolutePath().getParent();
    if (parent == null) {
      return null;
    }
    try {
      Path build = parent.resolve("build-version");
      if (Files.isRegularFile(build)) {
        String v = Files.readString(build, StandardCharsets.UTF_8).trim();
        return v.isEmpty() ? null : v;
      }
      Path py = parent.resolve("version.py");
      if (Files.isRegularFile(py)) {
        Matcher m = VERSION_PY.matcher(Files.readString(py, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : null;
      }
    } catch (IOException | RuntimeException e) {
      // unreadable: unknown
    }
    return null;
  }

  /** The flavors of pytorch-jni's JNIs for this platform ({@code jnilib/<platform>/<flavor>/}). */
  private static List<String> jarJniFlavors(String classifier) {
    Set<String> flavors = new TreeSet<>();
    String prefix = "jnilib/" + classifier + '/';
    try {
      URL url = TorchProbe.class.getClassLoader().getResource("jnilib/pytorch.properties");
      if (url != null) {
        URLConnection c = url.openConnection();
        if (c instanceof JarURLConnection jar) {
          jar.setUseCaches(false);
          try (JarFile file = jar.getJarFile()) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
              String name = entries.nextElement().getName();
              if (name.startsWith(prefix) && name.endsWith('/' + JNI_NAME)) {
                String rest =
                    name.substring(prefix.length(), name.length() - JNI_NAME.length() - 1);
                if (!rest.contains("/")) {
                  flavors.add(rest);
                }
              }
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall back to asking for the known flavors
    }
    if (flavors.isEmpty()) {
      for (String f : List.of("cpu", "cpu-precxx11", "cu118", "cu121", "cu124", "cu126", "cu128")) {
        if (TorchProbe.class.getClassLoader().getResource(prefix + f + '/' + JNI_NAME) != null) {
          flavors.add(f);
        }
      }
    }
    return List.copyOf(flavors);
  }

  /** {@code libcudart*.so*} beside libtorch, in a pip torch's nvidia/cuda_runtime, on the paths. */
  static List<String> cudartCandidates(Path libDir) {
    Set<Path> dirs = new LinkedHashSet<>();
    if (libDir != null) {
      dirs.add(libDir);
      Path sitePackages = libDir.toAbsolutePath().getParent();
      sitePackages = sitePackages == null ? null : sitePackages.getParent();
      if (sitePackages != null) {
        dirs.add(sitePackages.resolve("nvidia/cuda_runtime/lib"));
      }
    }
    for (String paths :
        new String[] {
          System.getenv("LD_LIBRARY_PATH"),
          System.getProperty("jna.library.path"),
          "/usr/local/cuda/lib64"
        }) {
      if (paths != null) {
        for (String p : paths.split(File.pathSeparator)) {
          if (!p.isBlank()) {
            dirs.add(Path.of(p));
          }
        }
      }
    }
    List<String> found = new ArrayList<>();
    for (Path d : dirs) {
      if (!Files.isDirectory(d)) {
        continue;
      }
      try (Stream<Path> files = Files.list(d)) {
        files
            .filter(f -> CUDART.matcher(f.getFileName().toString()).matches())
            .sorted()
            .forEach(f -> found.add(f.toString()));
      } catch (IOException | RuntimeException e) {
        // unreadable folder
      }
      if (found.size() >= 8) {
        break;
      }
    }
    return found;
  }

  private static Path firstExisting(Path... paths) {
    for (Path p : paths) {
      if (Files.exists(p)) {
        return p;
      }
    }
    return null;
  }

  private static boolean writable(Path dir) {
    Path p = dir.toAbsolutePath();
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p != null && Files.isDirectory(p) && Files.isWritable(p);
  }

  private static Properties resourceProperties(String name) {
    URL url = TorchProbe.class.getClassLoader().getResource(name);
    if (url == null) {
      return null;
    }
    try (InputStream in = url.openStream()) {
      Properties p = new Properties();
      p.load(in);
      return p;
    } catch (IOException e) {
      return null;
    }
  }
}
