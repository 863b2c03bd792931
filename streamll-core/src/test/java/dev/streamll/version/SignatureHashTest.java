package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SignatureHashTest {
  private static final String MODULE =
      """
      package demo;
      import java.util.List;
      public class Module {
        public List<String> forward(String q) { return List.of(helper(q)); }
        public static int size(List<String> items) { return items.size(); }
        private String helper(String q) { return q.trim(); }
      }
      """;

  @TempDir Path tmp;
  private int compilations;

  private String signature(String source) throws Exception {
    Path dir = Javac.compile(tmp.resolve("v" + compilations++), "demo.Module", source);
    try (URLClassLoader loader = Javac.loader(dir)) {
      return SignatureHash.of(loader.loadClass("demo.Module"));
    }
  }

  @Test
  void onlyPublicSignaturesCount() throws Exception {
    String base = signature(MODULE);
    assertThat(base).matches("[0-9a-f]{12}");
    assertThat(signature(MODULE.replace("q.trim()", "q.strip() + \"!\"")))
        .as("bodies and private methods")
        .isEqualTo(base);
    assertThat(signature(MODULE.replace("List<String> forward", "List<Object> forward")))
        .as("a generic return type")
        .isNotEqualTo(base);
    assertThat(
            signature(
                MODULE.replace(
                    "forward(String q) { return List.of(helper(q));",
                    "forward(CharSequence q) { return List.of(helper(q.toString()));")))
        .as("a parameter type")
        .isNotEqualTo(base);
    assertThat(signature(MODULE.replace("}\n}", "}\n  public void reset() {}\n}")))
        .as("a new public method")
        .isNotEqualTo(base);
  }

  @Test
  void signatureTextShowsStaticGenericTypesAndParameters() throws Exception {
    assertThat(
            SignatureHash.signature(
                java.util.Collections.class.getMethod("singletonList", Object.class)))
        .isEqualTo("static java.util.List<T> singletonList(T)");
  }
}
