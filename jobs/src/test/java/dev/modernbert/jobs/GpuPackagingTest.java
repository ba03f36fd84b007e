package dev.modernbert.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The GPU packaging option, read from the POMs (cheaper than a second build): {@code -Pgpu} drops
 * pytorch-native-cpu (it is only in the encoder's default-active {@code cpu-libtorch} profile,
 * which another profile of that POM turns off) and names the jobs jar {@code ...-gpu.jar}; the GPU
 * conf template does not turn DJL's offline mode off (the download route cannot work). The
 * dependency tree itself: {@code mvn -o -q -pl encoder -Pgpu dependency:list
 * -DincludeArtifactIds=pytorch-native-cpu -DoutputFile=/dev/stdout} lists none (docs/gpu.md).
 */
class GpuPackagingTest {
  static final String NATIVE_CPU = "pytorch-native-cpu";

  static Element pom(String module) throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    Document d = f.newDocumentBuilder().parse(Path.of("..", module, "pom.xml").toFile());
    return d.getDocumentElement();
  }

  static List<Element> children(Element parent, String name) {
    List<Element> out = new ArrayList<>();
    if (parent == null) {
      return out;
    }
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(name)) {
        out.add(e);
      }
    }
    return out;
  }

  static Element child(Element parent, String name) {
    List<Element> c = children(parent, name);
    return c.isEmpty() ? null : c.get(0);
  }

  static String text(Element parent, String name) {
    Element e = child(parent, name);
    return e == null ? null : e.getTextContent().trim();
  }

  static Element profile(Element pom, String id) {
    for (Element p : children(child(pom, "profiles"), "profile")) {
      if (id.equals(text(p, "id"))) {
        return p;
      }
    }
    return null;
  }

  static boolean hasNativeCpu(Element dependencies) {
    return children(dependencies, "dependency").stream()
        .anyMatch(d -> NATIVE_CPU.equals(text(d, "artifactId")));
  }

  @Test
  void theCpuLibtorchIsInTheEncodersDefaultProfileOnly() throws Exception {
    Element encoder = pom("encoder");
    assertFalse(
        hasNativeCpu(child(encoder, "dependencies")),
        "pytorch-native-cpu among the encoder's unconditional dependencies: -Pgpu cannot drop it");
    Element cpu = profile(encoder, "cpu-libtorch");
    assertNotNull(cpu, "the encoder's cpu-libtorch profile");
    assertEquals("true", text(child(cpu, "activation"), "activeByDefault"));
    assertTrue(hasNativeCpu(child(cpu, "dependencies")));
    // activeByDefault yields only to a profile of the same POM: the encoder needs its own gpu id
    assertNotNull(profile(encoder, "gpu"), "the encoder's gpu profile");
    for (String module : List.of("spark-udf", "jobs", "integration-tests")) {
      assertFalse(hasNativeCpu(child(pom(module), "dependencies")), module);
    }
  }

  @Test
  void theGpuJobsJarIsNamedAndExcludesTheCpuLibtorch() throws Exception {
    Element gpu = profile(pom("jobs"), "gpu");
    assertNotNull(gpu, "the jobs gpu profile");
    Element build = child(gpu, "build");
    assertEquals("${project.artifactId}-${project.version}-gpu", text(build, "finalName"));
    String shade = build.getTextContent();
    assertTrue(shade.contains("ai.djl.pytorch:" + NATIVE_CPU), "shade exclude of " + NATIVE_CPU);
  }

  @Test
  void theGpuConfTemplateKeepsDjlOffline() throws Exception {
    String conf =
        Files.readString(Path.of("..", "conf", "spark-defaults.gpu.conf"), StandardCharsets.UTF_8);
    assertFalse(conf.contains("-Dai.djl.offline=false"), "the download route cannot work");
    assertTrue(conf.contains("PYTORCH_LIBRARY_PATH") && conf.contains("PYTORCH_FLAVOR"));
  }
}
