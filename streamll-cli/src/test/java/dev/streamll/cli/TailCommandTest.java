package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.FileJournal;
import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TailCommandTest {
  @TempDir Path dir;

  private final JournalWriters writers = new JournalWriters();
  private CliHarness cli;
  private FileJournal journal;
  private Events events;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(dir);
    journal = writers.open(dir.resolve(".streamll/journal"));
    events = new Events(journal, Instant.parse("2026-11-25T10:00:00Z"));
  }

  @Test
  void printsEventsOfTheDefaultJournalAsTheTerminalSinkDoes() {
    events.span("Retriever", null, 0.25, false, 0, Map.of());
    events.span("ChatModel", null, 1.5, true, 3, Map.of());

    CliHarness.Result result = cli.run("tail");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).contains("▶ llm_call").contains("Retriever.call");
    assertThat(lines.get(1)).contains("■ llm_call").contains("0.25s");
    assertThat(lines.get(3)).endsWith("t0 t1 t2 ");
    assertThat(lines.get(4)).contains("✗ llm_call").contains("1.50s IOException: boom");
    assertThat(result.out()).doesNotContain("\u001b[");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void jsonPrintsTheStoredWireJsonOneObjectPerLine() {
    List<StreamllEvent> span = events.span("Retriever", "1.0", 0.25, false, 1, Map.of());

    CliHarness.Result result = cli.run("tail", "--json");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().toList())
        .containsExactlyElementsOf(span.stream().map(Events.CODEC::encodeToString).toList());
  }

  @Test
  void filtersByTypeModuleAndTime() {
    events.span("Retriever", null, 0.25, false, 0, Map.of());
    events.span("ChatModel", null, 1.5, true, 0, Map.of());
    events.span("ChatModel", null, 0.5, false, 0, Map.of());

    CliHarness.Result errors = cli.run("tail", "--type", "start,error", "--module", "ChatModel");
    CliHarness.Result late = cli.run("tail", "--since", "2026-11-25T10:00:02Z", "--json");

    assertThat(errors.out().lines().toList())
        .hasSize(3)
        .allMatch(line -> line.contains("▶") || line.contains("✗"));
    // The error span started at 10:00:01 and failed at 10:00:02.5.
    assertThat(late.out().lines().toList())
        .hasSize(3)
        .allMatch(line -> line.contains("\"timestamp\":\"2026-11-25T10:00:02"));
  }

  @Test
  void followPrintsEventsAppendedWhileItRunsAndStopsAtTheLimit() {
    events.span("Before", null, 0.1, false, 0, Map.of());
    CompletableFuture<CliHarness.Result> tail =
        CompletableFuture.supplyAsync(() -> cli.run("tail", "-f", "--json", "--limit", "4"));

    await().pollDelay(Duration.ofMillis(200)).until(() -> !tail.isDone());
    events.span("After", null, 0.1, false, 0, Map.of());

    CliHarness.Result result = tail.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines().toList())
        .hasSize(4)
        .satisfies(lines -> assertThat(lines.get(3)).contains("\"module_name\":\"After\""));
  }

  @Test
  void readsJournalUrlsAndPathsRelativeToTheWorkingDirectory() {
    events.span("Retriever", null, 0.25, false, 0, Map.of());
    String absolute = "journal:" + dir.resolve(".streamll/journal");

    assertThat(cli.run("tail", absolute).out().lines()).hasSize(2);
    assertThat(cli.run("tail", "journal:.streamll/journal").out().lines()).hasSize(2);
    assertThat(cli.run("tail", ".streamll/journal").out().lines()).hasSize(2);
    assertThat(cli.env("STREAMLL_HOME", ".streamll").run("tail").out().lines()).hasSize(2);
  }

  @Test
  void theJournalSourceIsFoundThroughServiceLoaderToo() {
    events.span("Retriever", null, 0.25, false, 0, Map.of());
    EventSourceProvider provider =
        ServiceLoader.load(EventSourceProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("journal"))
            .findFirst()
            .orElseThrow();
    List<String> types = new ArrayList<>();

    try (EventSource source =
        provider.open(SinkUrl.parse("journal:" + dir.resolve(".streamll/journal")))) {
      source.read(false, event -> types.add(event.event().eventType()));
    }

    assertThat(types).containsExactly("start", "end");
  }

  @Test
  void coloursOnlyOnATerminalAndNotWithNoColor() {
    events.span("Retriever", null, 0.25, false, 0, Map.of());

    assertThat(cli.interactive(true).run("tail").out()).contains("\u001b[");
    assertThat(cli.interactive(true).env("NO_COLOR", "1").run("tail").out())
        .doesNotContain("\u001b[");
  }

  @Test
  void skipsRecordsThatAreNotEventsWithAWarning() {
    journal.append("not json".getBytes(StandardCharsets.UTF_8), 0);
    journal.commit();
    events.span("Retriever", null, 0.25, false, 0, Map.of());

    CliHarness.Result result = cli.run("tail");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out().lines()).hasSize(2);
    assertThat(result.err()).contains("skipping record 0, not a valid event");
  }

  @Test
  void aMissingJournalIsAOneLineErrorPointingAtTheDemo() {
    CliHarness.Result result = new CliHarness(dir.resolve("elsewhere")).run("tail");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err().lines().toList())
        .singleElement()
        .asString()
        .contains("no journal at " + dir.resolve("elsewhere/.streamll/journal"))
        .contains("./streamll demo");
  }

  @Test
  void aFileOrANonJournalDirectoryIsRejected() throws Exception {
    Path file = Files.writeString(dir.resolve("notes.txt"), "hello");
    Files.createDirectories(dir.resolve("plain"));

    CliHarness.Result onFile = cli.run("tail", file.toString());
    CliHarness.Result onDirectory = cli.run("tail", "plain");

    assertThat(onFile.exitCode()).isEqualTo(1);
    assertThat(onFile.err()).contains("is a file, not a journal");
    assertThat(onDirectory.exitCode()).isEqualTo(1);
    assertThat(onDirectory.err().lines())
        .singleElement()
        .asString()
        .contains("not a StreamLL journal");
  }

  @Test
  void malformedUrlsUnknownSchemesAndBadOptionsAreUsageErrors() {
    CliHarness.Result malformed = cli.run("tail", "redis://bad host:6379");
    CliHarness.Result unknown = cli.run("tail", "gopher://localhost/x");
    CliHarness.Result since = cli.run("tail", "--since", "yesterday");
    CliHarness.Result limit = cli.run("tail", "--limit", "0");

    assertThat(malformed.exitCode()).isEqualTo(2);
    assertThat(malformed.err().lines().toList())
        .singleElement()
        .asString()
        .contains("source URL 'redis://bad host:6379' is malformed");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("no event source for scheme 'gopher'").contains("journal");
    assertThat(since.exitCode()).isEqualTo(2);
    assertThat(since.err()).contains("'yesterday' is not a time").contains("tail --help");
    assertThat(limit.exitCode()).isEqualTo(2);
    assertThat(limit.err()).contains("--limit must be at least 1");
  }

  @Test
  void verboseAddsTheStackTrace() {
    CliHarness.Result result = cli.run("tail", "--verbose", "gopher://localhost/x");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("\tat dev.streamll.cli.");
  }

  @AfterEach
  void closeWriters() {
    writers.close();
  }
}
