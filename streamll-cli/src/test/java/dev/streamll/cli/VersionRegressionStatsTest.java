package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.version.VersionTracking;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's end-to-end check: a module runs, is changed and recompiled, runs again; `streamll
 * stats --by module,version` shows both versions and flags the slower one.
 */
class VersionRegressionStatsTest {
  private static final String SUMMARIZER =
      """
      package demo;
      public class Summarizer implements java.util.function.UnaryOperator<String> {
        @Override
        public String apply(String text) {
          return lookup(text);
        }
        private String lookup(String text) {
          return "summary of " + text;
        }
      }
      """;

  private static final String SLOWER =
      SUMMARIZER.replace(
          "return \"summary of \" + text;",
          "try { Thread.sleep(15); } catch (InterruptedException e) {"
              + " Thread.currentThread().interrupt(); }\n    return \"summary of \" + text;");

  @TempDir Path dir;

  @Test
  void statsShowsTwoVersionsAndFlagsTheSlowerOne() throws Exception {
    Path journal = dir.resolve(".streamll/journal");
    runModule(compile("v1", SUMMARIZER), journal);
    runModule(compile("v2", SLOWER), journal);

    CliHarness.Result stats = new CliHarness(dir).run("stats", "--by", "module,version");

    assertThat(stats.exitCode()).as(stats.toString()).isZero();
    List<String> rows = stats.out().lines().filter(line -> line.startsWith("Summarizer ")).toList();
    assertThat(rows).as(stats.toString()).hasSize(2);
    assertThat(stats.out()).containsPattern("Summarizer [0-9a-f]{12} vs [0-9a-f]{12}: p95 ");
    assertThat(
            new CliHarness(dir)
                .run("stats", "--by", "module,version", "--fail-on-regression")
                .exitCode())
        .isEqualTo(1);
  }

  private Path compile(String name, String source) throws IOException {
    Path src = dir.resolve(name + "-src/demo/Summarizer.java");
    Path classes = dir.resolve(name + "-classes");
    Files.createDirectories(src.getParent());
    Files.createDirectories(classes);
    Files.writeString(src, source);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status = javac.run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(status).as("javac exit status").isZero();
    return classes;
  }

  @SuppressWarnings("unchecked")
  private static void runModule(Path classes, Path journal) throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
        Streamll streamll =
            Streamll.create(
                StreamllConfig.builder()
                    .journalDirectory(journal)
                    .versionTracking(VersionTracking.enabled())
                    .build())) {
      UnaryOperator<String> module =
          (UnaryOperator<String>)
              loader.loadClass("demo.Summarizer").getConstructor().newInstance();
      UnaryOperator<String> traced = streamll.instrument(UnaryOperator.class, module);
      for (int i = 0; i < 40; i++) {
        traced.apply("text " + i);
      }
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
    }
  }
}
