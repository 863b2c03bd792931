package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.FlushResult;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.VersionInfo;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.testing.CollectingSink;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A module runs, is changed (a lookup added to its chain) and recompiled, and runs again: its
 * events carry two versions, and a consumer comparing them flags the slower one.
 */
class VersionRegressionTest {
  private static final String SUMMARIZER =
      """
      package demo;
      public class Summarizer {
        public String forward(String text) {
          String context = lookup(text);
          return context.length() > 40 ? context.substring(0, 40) : context;
        }
        private String lookup(String text) {
          return "summary of " + text;
        }
      }
      """;

  /** The change: the lookup now waits on a slow dependency, standing for a remote call. */
  private static final String SUMMARIZER_WITH_SLOW_LOOKUP =
      SUMMARIZER.replace(
          "return \"summary of \" + text;",
          "try { Thread.sleep(20); } catch (InterruptedException e) {"
              + " Thread.currentThread().interrupt(); }\n"
              + "    return \"summary of \" + text;");

  @TempDir Path tmp;

  @Test
  void theChangedModuleShowsAsASecondSlowerVersion() throws Exception {
    CollectingSink sink = new CollectingSink("collect");
    VersionTracker tracker = VersionTracker.create(VersionTracking.enabled());
    List<String> versions = new ArrayList<>();
    try (Streamll streamll =
        Streamll.create(StreamllConfig.builder().inMemoryJournal().sink(sink).build())) {
      versions.add(
          run(
              streamll,
              tracker,
              Javac.compile(tmp.resolve("v1"), Map.of("demo.Summarizer", SUMMARIZER))));
      versions.add(
          run(
              streamll,
              tracker,
              Javac.compile(
                  tmp.resolve("v2"), Map.of("demo.Summarizer", SUMMARIZER_WITH_SLOW_LOOKUP))));
      FlushResult flushed = streamll.flush(Duration.ofSeconds(10));
      assertThat(flushed.complete()).isTrue();
    }

    VersionComparison comparison = new VersionComparison();
    for (EncodedEvent encoded : sink.confirmed()) {
      StreamllEvent event = encoded.event();
      comparison.accept(event);
    }
    String before = versions.get(0);
    String after = versions.get(1);
    assertThat(before).isNotEqualTo(after);
    assertThat(comparison.stats().keySet())
        .containsExactly(
            new VersionComparison.Key("summarizer", before),
            new VersionComparison.Key("summarizer", after));
    assertThat(comparison.stats().get(new VersionComparison.Key("summarizer", after)).count())
        .isEqualTo(20);
    assertThat(comparison.regressions("summarizer", before, 1.2))
        .containsExactly(new VersionComparison.Key("summarizer", after));
    assertThat(comparison.regressions("summarizer", after, 1.2)).isEmpty();
  }

  /** Runs the compiled module 20 times in spans carrying its version; returns that version. */
  private static String run(Streamll streamll, VersionTracker tracker, Path classes)
      throws Exception {
    try (URLClassLoader loader = Javac.loader(classes)) {
      Class<?> module = loader.loadClass("demo.Summarizer");
      Object instance = module.getConstructor().newInstance();
      Method forward = module.getMethod("forward", String.class);
      VersionInfo version = tracker.versionOf(module, "forward");
      for (int i = 0; i < 20; i++) {
        try (Span span =
            streamll
                .span("module_forward")
                .module("summarizer")
                .method("forward")
                .version(version)
                .start()) {
          span.set("result", forward.invoke(instance, "text " + i));
        }
      }
      return version.moduleVersion();
    }
  }
}
