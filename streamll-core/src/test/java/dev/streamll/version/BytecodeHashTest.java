package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BytecodeHashTest {
  private static final String PIPELINE =
      """
      package demo;

      import java.util.function.Function;

      public class Pipeline {
        private static final String PROMPT = "Answer: ";
        private final String template = "T:";
        private int calls;

        public String before(int x) {
          return "b" + (x * 2);
        }

        public String forward(String q) {
          calls++;
          String ctx = retrieve(q);
          Function<String, String> f = s -> s.trim().toUpperCase();
          int score = new Scorer().score(q);
          if (q.length() > 3) {
            return PROMPT + template + f.apply(ctx) + score;
          }
          return PROMPT + ctx + calls;
        }

        private String retrieve(String q) {
          return lookup(q) + "!";
        }

        private String lookup(String q) {
          return "ctx:" + q;
        }

        public String unrelated(int x) {
          return "u" + (x * 2);
        }

        static final class Scorer {
          int score(String s) {
            return s.length();
          }
        }
      }
      """;

  /** PIPELINE reformatted, commented and shifted down by a license header: same logic. */
  private static final String PIPELINE_REFORMATTED =
      """
      /*
       * Copyright header that moves every line down.
       */
      package demo;
      import java.util.function.Function;
      /** The same pipeline, formatted by somebody else. */
      public class Pipeline
      {
          private static final String PROMPT="Answer: "; // the prompt
          private final String template="T:";
          private int calls;
          public String before(int x) { return "b" + (x * 2); }

          /**
           * Answers a question.
           */
          public String forward(String q)
          {
              calls++;   // count
              String ctx =
                  retrieve(q);
              Function<String, String> f =
                  s ->
                      s.trim()
                       .toUpperCase();
              int score = new Scorer()
                  .score(q);
              if (q.length() > 3)
              {
                  // long question
                  return PROMPT + template + f.apply(ctx) + score;
              }
              return PROMPT + ctx + calls;
          }
          private String retrieve(String q) { return lookup(q) + "!"; }
          private String lookup(String q) { /* look it up */ return "ctx:" + q; }
          public String unrelated(int x) { return "u" + (x * 2); }
          static final class Scorer { int score(String s) { return s.length(); } }
      }
      """;

  // Compiling dominates this test's time, so each distinct source set is compiled once.
  @TempDir static Path tmp;
  private static final Map<Map<String, String>, Path> compiled = new ConcurrentHashMap<>();

  private String hash(String source, String entry) throws Exception {
    return hash(Map.of("demo.Pipeline", source), "demo.Pipeline", entry);
  }

  private String hash(Map<String, String> sources, String moduleClass, String entry)
      throws Exception {
    Path dir = compiled.get(sources);
    if (dir == null) {
      dir = Javac.compile(tmp.resolve("v" + compiled.size()), sources);
      compiled.put(sources, dir);
    }
    try (URLClassLoader loader = Javac.loader(dir)) {
      return BytecodeHash.of(loader.loadClass(moduleClass), entry);
    }
  }

  private String variant(String from, String to) {
    assertThat(PIPELINE).contains(from);
    return PIPELINE.replace(from, to);
  }

  @Test
  void sameSourceCompiledTwiceHasTheSameHash() throws Exception {
    String first = hash(PIPELINE, "forward");
    assertThat(first).matches("[0-9a-f]{12}");
    assertThat(hash(PIPELINE, "forward")).isEqualTo(first);
  }

  @Test
  void whitespaceAndCommentsDoNotChangeTheHash() throws Exception {
    assertThat(hash(PIPELINE_REFORMATTED, "forward")).isEqualTo(hash(PIPELINE, "forward"));
    assertThat(hash(PIPELINE_REFORMATTED, null)).isEqualTo(hash(PIPELINE, null));
  }

  @Test
  void logicChangesInTheEntryMethodChangeTheHash() throws Exception {
    String base = hash(PIPELINE, "forward");
    assertThat(hash(variant("\"Answer: \"", "\"Reply: \""), "forward"))
        .as("a constant")
        .isNotEqualTo(base);
    assertThat(hash(variant("String ctx = retrieve(q);", "String ctx = lookup(q);"), "forward"))
        .as("a call")
        .isNotEqualTo(base);
    assertThat(hash(variant("q.length() > 3", "q.length() >= 3"), "forward"))
        .as("a branch")
        .isNotEqualTo(base);
  }

  @Test
  void aChangedLambdaBodyChangesTheHash() throws Exception {
    assertThat(hash(variant("s.trim().toUpperCase()", "s.trim().toLowerCase()"), "forward"))
        .isNotEqualTo(hash(PIPELINE, "forward"));
  }

  @Test
  void aChangedMethodReachedThroughThisChangesTheHash() throws Exception {
    String base = hash(PIPELINE, "forward");
    assertThat(hash(variant("\"ctx:\" + q", "\"context:\" + q"), "forward"))
        .as("a private method called by a private method the entry calls")
        .isNotEqualTo(base);
    assertThat(hash(variant("return s.length();", "return s.length() * 2;"), "forward"))
        .as("a method of a nested class the entry instantiates")
        .isNotEqualTo(base);
    assertThat(hash(variant("template = \"T:\"", "template = \"Template:\""), "forward"))
        .as("the initializer of a field the entry reads")
        .isNotEqualTo(base);
  }

  @Test
  void aMethodTheEntryNeverReachesDoesNotCount() throws Exception {
    String changed = variant("\"u\" + (x * 2)", "\"u\" + (x * 3)");
    assertThat(hash(changed, "forward")).isEqualTo(hash(PIPELINE, "forward"));
    assertThat(hash(changed, null))
        .as("without an entry method the whole class counts")
        .isNotEqualTo(hash(PIPELINE, null));
  }

  @Test
  void lambdasAddedElsewhereDoNotRenumberTheEntrysLambdas() throws Exception {
    String changed =
        variant(
            "return \"b\" + (x * 2);",
            "Function<Integer, String> g = y -> \"b\" + y * 2; return g.apply(x);");
    assertThat(hash(changed, "forward")).isEqualTo(hash(PIPELINE, "forward"));
  }

  @Test
  void anUnknownEntryMethodMeansTheWholeClass() throws Exception {
    assertThat(hash(PIPELINE, "noSuchMethod")).isEqualTo(hash(PIPELINE, null));
  }

  @Test
  void callsThroughThisDispatchToTheOverrideInTheModuleClass() throws Exception {
    String base =
        """
        package demo;
        public abstract class Base {
          public String run(String q) { return "[" + step(q) + "]"; }
          protected abstract String step(String q);
        }
        """;
    String impl =
        """
        package demo;
        public class Impl extends Base {
          @Override protected String step(String q) { return q.trim(); }
          public String other() { return "o"; }
        }
        """;
    String original = hash(Map.of("demo.Base", base, "demo.Impl", impl), "demo.Impl", "run");
    String stepChanged =
        hash(
            Map.of("demo.Base", base, "demo.Impl", impl.replace("q.trim()", "q.strip()")),
            "demo.Impl",
            "run");
    String otherChanged =
        hash(
            Map.of("demo.Base", base, "demo.Impl", impl.replace("\"o\"", "\"p\"")),
            "demo.Impl",
            "run");
    assertThat(stepChanged).isNotEqualTo(original);
    assertThat(otherChanged).isEqualTo(original);
  }

  @Test
  void anonymousClassesCountAndAreNotRenumberedByOthers() throws Exception {
    String module =
        """
        package demo;
        import java.util.function.Supplier;
        public class Anon {
          public String before() {
            return "b";
          }
          public String forward(String q) {
            Supplier<String> s = new Supplier<>() {
              @Override public String get() { return q.trim(); }
            };
            return s.get();
          }
        }
        """;
    String base = hash(Map.of("demo.Anon", module), "demo.Anon", "forward");
    String bodyChanged =
        hash(Map.of("demo.Anon", module.replace("q.trim()", "q.strip()")), "demo.Anon", "forward");
    String anonymousAddedBefore =
        hash(
            Map.of(
                "demo.Anon",
                module.replace(
                    "return \"b\";",
                    "return new Object() { public String toString() { return \"b\"; } }"
                        + ".toString();")),
            "demo.Anon",
            "forward");
    assertThat(bodyChanged).isNotEqualTo(base);
    assertThat(anonymousAddedBefore).isEqualTo(base);
  }

  @Test
  void aProxyIsVersionedByTheAnnotationsAndDefaultsOfItsInterface() throws Exception {
    String service =
        """
        package demo;
        import java.lang.annotation.Retention;
        import java.lang.annotation.RetentionPolicy;
        public interface Assistant {
          @Retention(RetentionPolicy.RUNTIME) @interface Prompt { String value(); }
          @Retention(RetentionPolicy.RUNTIME) @interface Var { String value(); }
          @Prompt("Answer briefly: {{q}}") String chat(@Var("q") String question);
          default String greet() { return "hi"; }
        }
        """;
    String base = proxyHash(service, "chat");
    assertThat(base).matches("[0-9a-f]{12}");
    assertThat(proxyHash(service.replace("briefly", "in detail"), "chat"))
        .as("a prompt template in an annotation")
        .isNotEqualTo(base);
    assertThat(proxyHash(service.replace("@Var(\"q\")", "@Var(\"question\")"), "chat"))
        .as("a parameter annotation")
        .isNotEqualTo(base);
    assertThat(proxyHash(service.replace("\"hi\"", "\"hello\""), "chat"))
        .as("a default method chat never calls")
        .isEqualTo(base);
  }

  private String proxyHash(String source, String entry) throws Exception {
    Path dir = Javac.compile(tmp.resolve("p" + compiled.size()), "demo.Assistant", source);
    compiled.put(Map.of("proxy", source), dir);
    try (URLClassLoader loader = Javac.loader(dir)) {
      Object proxy =
          Proxy.newProxyInstance(
              loader, new Class<?>[] {loader.loadClass("demo.Assistant")}, (p, m, a) -> null);
      return BytecodeHash.of(proxy.getClass(), entry);
    }
  }

  @Test
  void aGeneratedSubclassWithoutAClassFileStandsForItsSuperclass() throws Exception {
    Path dir =
        Javac.compile(
            tmp.resolve("generated"),
            Map.of(
                "demo.Pipeline",
                PIPELINE,
                "demo.Pipeline$$Proxy",
                "package demo; public class Pipeline$$Proxy extends Pipeline {"
                    + " @Override public String forward(String q) { return super.forward(q); } }"));
    byte[] generated = Files.readAllBytes(dir.resolve("demo/Pipeline$$Proxy.class"));
    Files.delete(dir.resolve("demo/Pipeline$$Proxy.class"));
    try (DefiningLoader loader = new DefiningLoader(dir)) {
      Class<?> subclass = loader.define("demo.Pipeline$$Proxy", generated);
      assertThat(BytecodeHash.of(subclass, "forward"))
          .isEqualTo(BytecodeHash.of(subclass.getSuperclass(), "forward"))
          .isEqualTo(hash(PIPELINE, "forward"));
    }
  }

  /** Defines a class from bytes, as a bytecode-generating library does: no resource behind it. */
  private static final class DefiningLoader extends URLClassLoader {
    DefiningLoader(Path classes) throws Exception {
      super(new URL[] {classes.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    }

    Class<?> define(String name, byte[] bytes) {
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  @Test
  void classesWithoutAClassFileAreHandled() throws Exception {
    Runnable proxy =
        (Runnable)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {Runnable.class},
                (p, method, args) -> null);
    assertThat(BytecodeHash.of(proxy.getClass(), "run"))
        .as("a proxy of JDK interfaces only")
        .isNull();

    Function<String, String> lambda = s -> s + "!";
    assertThat(lambda.getClass().isHidden()).isTrue();
    assertThat(BytecodeHash.of(lambda.getClass(), "apply"))
        .as("a lambda stands for its host class")
        .isEqualTo(BytecodeHash.of(BytecodeHashTest.class, null));
  }
}
