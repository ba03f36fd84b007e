package dev.modernbert.encoder.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * The package dependencies of compiled classes, as the JDK's {@code jdeps} reads them from the
 * bytecode (so a fully qualified name hides nothing): for architecture tests.
 */
public final class PackageGraph {
  private final Map<String, Set<String>> edges;

  private PackageGraph(Map<String, Set<String>> edges) {
    this.edges = edges;
  }

  /** The dependencies of the packages in {@code classDirs}, on any package. */
  public static PackageGraph of(Path... classDirs) {
    List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none"));
    for (Path p : classDirs) {
      args.add(p.toString());
    }
    StringWriter out = new StringWriter();
    int rc =
        ToolProvider.findFirst("jdeps")
            .orElseThrow(() -> new AssertionError("no jdeps in this JDK"))
            .run(new PrintWriter(out), new PrintWriter(out), args.toArray(new String[0]));
    if (rc != 0) {
      throw new AssertionError("jdeps failed: " + out);
    }
    Map<String, Set<String>> edges = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 3 && f[1].equals("->") && !f[0].equals(f[2])) {
        edges.computeIfAbsent(f[0], k -> new TreeSet<>()).add(f[2]);
      }
    }
    return new PackageGraph(edges);
  }

  /** Packages of ours that {@code from} (or any of its sub-packages) depends on, by prefix. */
  public Set<String> dependenciesOn(String fromPrefix, String toPrefix) {
    Set<String> found = new TreeSet<>();
    edges.forEach(
        (from, tos) -> {
          if (from.startsWith(fromPrefix)) {
            tos.stream()
                .filter(t -> t.startsWith(toPrefix))
                .forEach(t -> found.add(from + " -> " + t));
          }
        });
    return found;
  }

  /** Every cycle among packages starting with {@code prefix}, as "a -> b -> ... -> a". */
  public List<String> cycles(String prefix) {
    List<String> cycles = new ArrayList<>();
    for (String start : edges.keySet()) {
      if (!start.startsWith(prefix)) {
        continue;
      }
      // a path back to start through packages greater than start: each cycle reported once
      Deque<List<String>> todo = new ArrayDeque<>();
      todo.push(List.of(start));
      while (!todo.isEmpty()) {
        List<String> path = todo.pop();
        for (String next : edges.getOrDefault(path.get(path.size() - 1), Set.of())) {
          if (next.equals(start)) {
            cycles.add(String.join(" -> ", path) + " -> " + start);
          } else if (next.startsWith(prefix) && next.compareTo(start) > 0 && !path.contains(next)) {
            List<String> longer = new ArrayList<>(path);
            longer.add(next);
            todo.push(longer);
          }
        }
      }
    }
    return cycles;
  }
}
