package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.FileJournal;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the {@code ./streamll} launcher as a user would, from another directory. It runs in the
 * integration-test phase, after {@code package} built target/streamll.jar, so the launcher finds
 * the jar current and does not build (asserted: a nested Maven build would take minutes). Selected
 * into the unit-test phase by a {@code -Dtest} pattern, it skips itself: the jar is not built yet.
 */
class StreamllLauncherIT {
  private static final Path LAUNCHER =
      Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
          .toAbsolutePath()
          .getParent()
          .resolve("streamll");

  @TempDir Path cwd;

  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void requirePackagedJar() {
    assumeTrue(
        Boolean.getBoolean("streamll.jar.packaged"),
        "runs in the integration-test phase, after package built target/streamll.jar");
  }

  @AfterEach
  void stopProcesses() {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private record Run(int exitCode, String out, String err) {}

  private Process start(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
    builder.environment().remove("STREAMLL_HOME");
    builder.environment().remove("STREAMLL_REBUILD");
    Process process = builder.start();
    started.add(process);
    return process;
  }

  private Run run(String... args) throws Exception {
    Process process = start(args);
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("streamll finished").isTrue();
    Run run = new Run(process.exitValue(), out.get(), err.get());
    assertThat(run.err())
        .as("the launcher used the jar built by package")
        .doesNotContain("building");
    return run;
  }

  private static CompletableFuture<String> read(java.io.InputStream stream) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void runsFromAnyDirectoryAndShowsHelp() throws Exception {
    Run run = run("--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("Usage: streamll", "demo", "tail", "stats", "replay", "doctor");
  }

  @Test
  void userErrorsAreOneLineWithTheirExitCode() throws Exception {
    Run missing = run("tail");
    Run usage = run("stats", "--by", "colour");

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err().lines().toList())
        .singleElement()
        .asString()
        .startsWith(
            "streamll tail: no journal at " + cwd.toRealPath().resolve(".streamll/journal"));
    assertThat(usage.exitCode()).isEqualTo(2);
  }

  @Test
  void tailFollowsEventsAnotherProcessAppendsAndStatsReadsALockedJournal() throws Exception {
    List<StreamllEvent> written = new ArrayList<>();
    try (FileJournal journal = FileJournal.open(cwd.resolve(".streamll/journal"))) {
      Events events = new Events(journal, Instant.now());
      written.addAll(events.span("Writer", "1", 0.2, false, 1, Map.of()));

      Process tail = start("tail", "-f", "--json", "--limit", "6");
      List<String> lines = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> reader = collectLines(tail, lines);
      await().atMost(Duration.ofSeconds(30)).until(() -> lines.size() == 3);

      written.addAll(events.span("Writer", "1", 0.4, true, 1, Map.of()));
      assertThat(tail.waitFor(30, TimeUnit.SECONDS)).as("tail stopped at --limit 6").isTrue();
      reader.get(5, TimeUnit.SECONDS);

      assertThat(tail.exitValue()).isZero();
      assertThat(lines)
          .containsExactlyElementsOf(written.stream().map(Events.CODEC::encodeToString).toList());

      // The writer still holds the journal: readers work regardless.
      Run stats = run("stats", "--json");
      JsonNode group = new ObjectMapper().readTree(stats.out()).get("groups").get(0);
      assertThat(stats.exitCode()).isZero();
      assertThat(group.get("module").asText()).isEqualTo("Writer");
      assertThat(group.get("runs").asLong()).isEqualTo(2);
      assertThat(group.get("errors").asLong()).isEqualTo(1);
    }
  }

  private static CompletableFuture<Void> collectLines(Process process, List<String> lines) {
    return CompletableFuture.runAsync(
        () -> {
          try (BufferedReader reader =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
              lines.add(line);
            }
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void demoRunsAndPointsAtTheNextCommands() throws Exception {
    Run demo = run("demo", "--journal", "demo-journal");

    assertThat(demo.exitCode()).as(demo.err()).isZero();
    assertThat(demo.out()).contains("./streamll tail");
    assertThat(Files.exists(cwd.resolve("demo-journal"))).isTrue();

    Run tail = run("tail", "demo-journal", "--json", "--type", "start", "--module", "Assistant");
    assertThat(tail.exitCode()).isZero();
    assertThat(tail.out().lines().toList())
        .isNotEmpty()
        .allMatch(line -> line.contains("\"event_type\":\"start\""));
  }
}
