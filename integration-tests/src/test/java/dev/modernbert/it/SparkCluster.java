package dev.modernbert.it;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Spark standalone cluster on 127.0.0.1: one Master and N Worker JVMs started from {@code
 * target/spark-home} (a folder whose {@code jars/} holds the Spark jars Maven resolved), plus
 * spark-submit runs as child JVMs. Every process started here (and its descendants, i.e. the
 * executors) is killed by PID in {@link #close()} and in a JVM shutdown hook.
 */
public final class SparkCluster implements AutoCloseable {
  public static final Path SPARK_HOME = Path.of(prop("it.sparkHome")).toAbsolutePath().normalize();
  public static final Path JOBS_JAR = Path.of(prop("it.jobsJar")).toAbsolutePath().normalize();
  public static final Path REPO_ROOT = Path.of(prop("it.repoRoot")).toAbsolutePath().normalize();
  public static final Path WORK = Path.of(prop("it.workDir")).toAbsolutePath().normalize();

  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SparkCluster::killAll, "kill-spark-cluster"));
  }

  private final Path dir;
  private final int masterPort;
  private final Process master;
  private final List<Process> workers = new ArrayList<>();

  private static String prop(String name) {
    String v = System.getProperty(name);
    if (v == null) {
      throw new IllegalStateException(
          "system property " + name + " is not set (run the tests through Maven)");
    }
    return v;
  }

  /** Spark's Java 17 module options (docs/spark-jvm-options.txt). */
  public static List<String> moduleOptions() {
    try {
      List<String> out = new ArrayList<>();
      for (String l :
          Files.readAllLines(
              REPO_ROOT.resolve("docs/spark-jvm-options.txt"), StandardCharsets.UTF_8)) {
        if (!l.isBlank()) {
          out.add(l.trim());
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private static String classpath() {
    return SPARK_HOME.resolve("jars") + File.separator + "*";
  }

  private static ProcessBuilder sparkProcess(List<String> args, Path log) {
    return sparkProcess(args, log, Map.of());
  }

  /** As {@link #sparkProcess(List, Path)}, with more environment variables ({@code extraEnv}). */
  private static ProcessBuilder sparkProcess(
      List<String> args, Path log, Map<String, String> extraEnv) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(moduleOptions());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd);
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", SPARK_HOME.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("SPARK_LOCAL_HOSTNAME", "127.0.0.1");
    env.remove("SPARK_CONF_DIR");
    env.putAll(extraEnv);
    pb.redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    return pb;
  }

  private static Process start(ProcessBuilder pb) throws IOException {
    Process p = pb.start();
    STARTED.add(p);
    return p;
  }

  /**
   * What every Worker of a cluster gets besides the defaults: JVM options placed before the main
   * class (Spark properties such as {@code -Dspark.worker.resource.gpu.amount=1}, read by the
   * Worker's SparkConf) and environment variables, which its executors inherit.
   */
  public record WorkerSetup(List<String> jvmOptions, Map<String, String> env) {
    public static final WorkerSetup DEFAULT = new WorkerSetup(List.of(), Map.of());
  }

  private SparkCluster(Path dir, int workerCount, WorkerSetup setup) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir);
    masterPort = freePort();
    master =
        start(
            sparkProcess(
                List.of(
                    "-Xmx256m",
                    "-cp",
                    classpath(),
                    "org.apache.spark.deploy.master.Master",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    String.valueOf(masterPort),
                    "--webui-port",
                    String.valueOf(freePort())),
                dir.resolve("master.log")));
    waitForLog(master, dir.resolve("master.log"), "I have been elected leader", "master");
    for (int i = 0; i < workerCount; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      Path log = dir.resolve("worker-" + i + ".log");
      List<String> args = new ArrayList<>();
      args.add("-Xmx256m");
      args.addAll(setup.jvmOptions());
      args.addAll(
          List.of(
              "-cp",
              classpath(),
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--cores",
              "1",
              "--memory",
              "2g",
              "--port",
              String.valueOf(freePort()),
              "--webui-port",
              String.valueOf(freePort()),
              "--work-dir",
              work.toString(),
              masterUrl()));
      workers.add(start(sparkProcess(args, log, setup.env())));
    }
    for (int i = 0; i < workerCount; i++) {
      waitForLog(
          workers.get(i),
          dir.resolve("worker-" + i + ".log"),
          "Successfully registered with master",
          "worker " + i);
    }
  }

  /** Starts a Master and {@code workers} Workers (1 core, 2 GiB each) under {@code dir}. */
  public static SparkCluster start(Path dir, int workers) throws Exception {
    return new SparkCluster(dir, workers, WorkerSetup.DEFAULT);
  }

  /** As {@link #start(Path, int)}, every Worker with {@code setup}. */
  public static SparkCluster start(Path dir, int workers, WorkerSetup setup) throws Exception {
    return new SparkCluster(dir, workers, setup);
  }

  public String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  public Path dir() {
    return dir;
  }

  private static void waitForLog(Process p, Path log, String marker, String what) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String text = Files.exists(log) ? Files.readString(log, StandardCharsets.ISO_8859_1) : "";
      if (text.contains(marker)) {
        return;
      }
      if (!p.isAlive()) {
        throw new IllegalStateException(what + " exited (" + p.exitValue() + "):\n" + text);
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(
        what + " did not start in 120 s:\n" + Files.readString(log, StandardCharsets.ISO_8859_1));
  }

  /** The executor JVMs (CoarseGrainedExecutorBackend) the workers run now. */
  public List<ProcessHandle> executors() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process w : workers) {
      w.descendants()
          .filter(
              h ->
                  h.info()
                      .commandLine()
                      .map(c -> c.contains("CoarseGrainedExecutorBackend"))
                      .orElse(false))
          .forEach(out::add);
    }
    return out;
  }

  /**
   * The executor JVM that runs executor {@code executorId} of application {@code appId} (matched on
   * its {@code --executor-id} and {@code --app-id} arguments), if it is running.
   */
  public Optional<ProcessHandle> executor(String appId, String executorId) {
    for (ProcessHandle h : executors()) {
      List<String> a = List.of(h.info().arguments().orElse(new String[0]));
      int e = a.indexOf("--executor-id");
      int app = a.indexOf("--app-id");
      if (e >= 0
          && e + 1 < a.size()
          && a.get(e + 1).equals(executorId)
          && app >= 0
          && app + 1 < a.size()
          && a.get(app + 1).equals(appId)) {
        return Optional.of(h);
      }
    }
    return Optional.empty();
  }

  /**
   * The driver's monitoring REST API ({@code http://127.0.0.1:PORT/api/v1/...}) of a spark-submit
   * run with {@code spark.ui.enabled=true} and {@code spark.ui.port=PORT} (see {@link
   * #uiConf(int)}); loopback only (the UI binds to SPARK_LOCAL_IP).
   */
  public static final class DriverApi {
    private final int port;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public DriverApi(int port) {
      this.port = port;
    }

    /**
     * GET {@code /api/v1/} + {@code path} as JSON; empty while the UI is not up yet (or is gone),
     * or when it does not answer 200.
     */
    public Optional<JsonElement> get(String path) throws InterruptedException {
      HttpRequest req =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/" + path))
              .timeout(Duration.ofSeconds(5))
              .GET()
              .build();
      try {
        HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200
            ? Optional.of(JsonParser.parseString(r.body()))
            : Optional.empty();
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }
  }

  /** The Spark properties that start a run's UI (and so its REST API) on 127.0.0.1:{@code port}. */
  public static Map<String, String> uiConf(int port) {
    return Map.of("spark.ui.enabled", "true", "spark.ui.port", String.valueOf(port));
  }

  /**
   * The lines of every executor's stderr log (under the workers' work dirs) that contain {@code
   * marker}.
   */
  public List<String> executorLogLines(String marker) throws IOException {
    List<String> lines = new ArrayList<>();
    try (var files = Files.walk(dir)) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")).toList()) {
        for (String line : Files.readAllLines(f, StandardCharsets.ISO_8859_1)) {
          if (line.contains(marker)) {
            lines.add(line);
          }
        }
      }
    }
    return lines;
  }

  /** What a spark-submit run gave. */
  public record Submitted(int exitCode, String output, Path log) {}

  /**
   * Runs {@code spark-submit} (org.apache.spark.deploy.SparkSubmit in a child JVM, client mode)
   * with the jobs jar and {@code jobArgs}; {@code whileRunning} (may be null) is called on a side
   * thread with the submit process.
   */
  public Submitted submit(
      String name, List<String> jobArgs, Duration timeout, Consumer<Process> whileRunning)
      throws Exception {
    return submit(name, jobArgs, timeout, Map.of(), whileRunning);
  }

  /**
   * As {@link #submit(String, List, Duration, Consumer)}, with more Spark properties ({@code --conf
   * k=v}, after and so over the defaults here). The submit process is killed when it does not
   * finish in {@code timeout} or when the calling thread is interrupted (a JUnit timeout).
   */
  public Submitted submit(
      String name,
      List<String> jobArgs,
      Duration timeout,
      Map<String, String> conf,
      Consumer<Process> whileRunning)
      throws Exception {
    String opts = String.join(" ", moduleOptions());
    List<String> args = new ArrayList<>();
    args.add("-Xmx1g");
    args.add("-Dlog4j2.configurationFile=" + REPO_ROOT.resolve("conf/log4j2.properties"));
    args.add("-cp");
    args.add(classpath());
    args.add("org.apache.spark.deploy.SparkSubmit");
    args.addAll(
        List.of(
            "--master",
            masterUrl(),
            "--deploy-mode",
            "client",
            "--name",
            name,
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--conf",
            "spark.executor.memory=1g",
            "--conf",
            "spark.sql.adaptive.enabled=false",
            "--conf",
            "spark.executor.extraJavaOptions=" + opts,
            "--conf",
            "spark.driver.extraJavaOptions=" + opts));
    conf.forEach((k, v) -> args.addAll(List.of("--conf", k + "=" + v)));
    args.addAll(List.of("--class", "dev.modernbert.jobs.EmbedJob", JOBS_JAR.toString()));
    args.addAll(jobArgs);
    Path log = dir.resolve("submit-" + name + ".log");
    Process p = start(sparkProcess(args, log));
    Thread side = null;
    if (whileRunning != null) {
      side = new Thread(() -> whileRunning.accept(p), "while-" + name);
      side.setDaemon(true);
      side.start();
    }
    boolean done;
    try {
      done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      kill(p); // the test timed out: no spark-submit (and its executors) left running
      STARTED.remove(p);
      throw e;
    }
    if (!done) {
      kill(p);
      throw new AssertionError(
          "spark-submit " + name + " did not finish in " + timeout + ":\n" + tail(log));
    }
    if (side != null) {
      side.join(10_000);
    }
    STARTED.remove(p);
    return new Submitted(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), log);
  }

  static String tail(Path log) throws IOException {
    String s = Files.readString(log, StandardCharsets.UTF_8);
    return s.length() > 6000 ? s.substring(s.length() - 6000) : s;
  }

  /** Kills a process and its descendants (executors first), by PID. */
  public static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.destroyForcibly();
    try {
      p.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void killAll() {
    for (Process p : STARTED) {
      kill(p);
    }
    STARTED.clear();
  }

  @Override
  public void close() {
    List<Process> all = new ArrayList<>(workers);
    all.add(master);
    for (Process p : all) {
      kill(p);
      STARTED.remove(p);
    }
  }
}
