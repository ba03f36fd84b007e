package dev.modernbert.encoder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of README.md and docs/*.md points at a file or folder of the repository, so
 * moving or renaming a page fails the build instead of leaving a dead link. Links to the web, and
 * anchors within a page, are not checked.
 */
class DocsLinksTest {
  /** {@code [text](target)}, the only link form the docs use; the target stops at a space. */
  private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");

  /** Surefire runs a module's tests in the module's folder; the docs are one level up. */
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @Test
  void everyRelativeLinkOfTheDocsResolves() throws IOException {
    List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md")));
    try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
      docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
    }
    assertTrue(pages.size() > 5, "README.md and docs/*.md not found under " + ROOT);
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      broken.addAll(brokenLinks(page));
    }
    assertEquals(List.of(), broken, "broken links (page:line: target)");
  }

  @Test
  void aMissingTargetIsReportedWithItsPageAndLine() throws IOException {
    Path dir = Files.createTempDirectory("docs-links");
    Files.writeString(dir.resolve("there.md"), "x");
    Path page = dir.resolve("page.md");
    Files.writeString(
        page,
        "[ok](there.md#a-section) [web](https://example.org/x.md) [anchor](#top)\n"
            + "```\n[in code](not-a-link.md)\n```\n"
            + "[gone](missing.md)\n");
    assertEquals(List.of(page + ":5: missing.md"), brokenLinks(page));
  }

  /** The relative links of {@code page} outside fenced code blocks whose target does not exist. */
  static List<String> brokenLinks(Path page) throws IOException {
    List<String> broken = new ArrayList<>();
    List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
    boolean inCode = false;
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.strip().startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      if (inCode) {
        continue;
      }
      Matcher m = LINK.matcher(line);
      while (m.find()) {
        String target = m.group(1);
        if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
          continue; // an anchor in the page, or a URL (https:, mailto:)
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        if (!Files.exists(page.getParent().resolve(file))) {
          broken.add(page + ":" + (i + 1) + ": " + target);
        }
      }
    }
    return broken;
  }
}
