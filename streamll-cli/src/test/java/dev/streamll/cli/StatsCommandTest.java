package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.journal.FileJournal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsCommandTest {
  @TempDir Path dir;

  private final JournalWriters writers = new JournalWriters();
  private CliHarness cli;
  private Events events;

  @BeforeEach
  void setUp() throws Exception {
    cli = new CliHarness(dir);
    FileJournal journal = writers.open(dir.resolve(".streamll/journal"));
    events = new Events(journal, Instant.parse("2026-11-25T10:00:00Z"));
  }

  private static Map<String, Object> usage(long in, long out) {
    return Map.of("gen_ai.usage.input_tokens", in, "gen_ai.usage.output_tokens", out);
  }

  @Test
  void tableShowsRunsErrorsPercentilesTokensAndTimeToFirstToken() {
    for (int i = 1; i <= 100; i++) {
      events.span("ChatModel", null, i / 100.0, i % 10 == 0, 0, usage(10, 20));
    }
    events.span("Retriever", null, 0.02, false, 4, Map.of());

    CliHarness.Result result = cli.run("stats");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    List<String> lines = result.out().lines().toList();
    assertThat(lines.get(0))
        .startsWith("MODULE")
        .contains("RUNS", "ERRORS", "ERR%", "P50", "P95", "P99", "IN TOK", "OUT TOK", "TOK/S");
    // Durations 0.01 .. 1.00 s: p50 0.50 s, p95 0.95 s, p99 0.99 s (HdrHistogram, 3 digits).
    assertThat(lines.get(1).split("\\s+"))
        .containsExactly(
            "ChatModel",
            "100",
            "10",
            "10.0%",
            "500ms",
            "950ms",
            "990ms",
            "1000",
            "2000",
            "39.6",
            "-");
    // Four streamed tokens count as output; the first came 100 ms after the start.
    assertThat(lines.get(2).split("\\s+"))
        .containsExactly(
            "Retriever", "1", "0", "0.0%", "20ms", "20ms", "20ms", "-", "4", "200.0", "100ms");
  }

  @Test
  void jsonHasTheSameNumbersForScripts() throws Exception {
    for (int i = 1; i <= 100; i++) {
      events.span("ChatModel", "v1", i / 100.0, i % 10 == 0, 0, usage(10, 20));
    }

    CliHarness.Result result = cli.run("stats", "--json", "--by", "module,version");

    JsonNode root = new ObjectMapper().readTree(result.out());
    JsonNode group = root.get("groups").get(0);
    assertThat(group.get("module").asText()).isEqualTo("ChatModel");
    assertThat(group.get("version").asText()).isEqualTo("v1");
    assertThat(group.get("runs").asLong()).isEqualTo(100);
    assertThat(group.get("errors").asLong()).isEqualTo(10);
    assertThat(group.get("error_rate").asDouble()).isEqualTo(0.1);
    assertThat(group.get("duration_seconds").get("p95").asDouble()).isCloseTo(0.95, within());
    assertThat(group.get("input_tokens").asLong()).isEqualTo(1000);
    assertThat(group.get("output_tokens").asLong()).isEqualTo(2000);
    assertThat(root.get("regressions")).isEmpty();
    assertThat(root.get("regression_thresholds").get("min_runs").asLong()).isEqualTo(30);
  }

  private static org.assertj.core.data.Offset<Double> within() {
    return org.assertj.core.data.Offset.offset(0.001);
  }

  @Test
  void flagsAVersionThatIsSlowerOrFailsMoreThanThePreviousOne() {
    for (int i = 0; i < 40; i++) {
      events.span("Pipeline", "1.0", 1.0, false, 0, Map.of());
    }
    for (int i = 0; i < 40; i++) {
      events.span("Pipeline", "2.0", 1.5, i < 4, 0, Map.of());
    }
    for (int i = 0; i < 10; i++) {
      events.span("Pipeline", "3.0", 9.0, true, 0, Map.of());
    }
    // Unversioned spans of the same module (its LLM calls, say) are not a version to compare.
    for (int i = 0; i < 40; i++) {
      events.span("Pipeline", null, 20.0, true, 0, Map.of());
    }

    CliHarness.Result result = cli.run("stats", "--by", "module,version");
    CliHarness.Result strict = cli.run("stats", "--by", "module,version", "--fail-on-regression");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .contains("Pipeline 2.0 vs 1.0: p95 1.00s → 1.50s (+50%)")
        .contains("Pipeline 2.0 vs 1.0: error rate 0.0% → 10.0% (+10.0 points)")
        .contains("not compared: Pipeline 3.0 has 10 runs, fewer than 30")
        .doesNotContain("Pipeline -");
    assertThat(strict.exitCode()).isEqualTo(1);
  }

  @Test
  void changesWithinTheThresholdsAreNotRegressions() {
    for (int i = 0; i < 30; i++) {
      events.span("Pipeline", "1.0", 1.0, i < 3, 0, Map.of());
    }
    for (int i = 0; i < 30; i++) {
      events.span("Pipeline", "2.0", 1.2, i < 4, 0, Map.of());
    }

    CliHarness.Result result = cli.run("stats", "--by", "module,version", "--fail-on-regression");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("No regressions");
    assertThat(cli.run("stats", "--by", "module,version", "--p95-threshold", "10").out())
        .contains("p95 1.00s → 1.20s (+20%)");
  }

  @Test
  void groupsByOperationAndRejectsUnknownKeys() {
    events.span("A", null, 0.1, false, 0, Map.of());

    CliHarness.Result byOperation = cli.run("stats", "--by", "operation");
    CliHarness.Result unknown = cli.run("stats", "--by", "colour");

    assertThat(byOperation.out().lines().skip(1).findFirst())
        .get()
        .asString()
        .startsWith("llm_call");
    assertThat(unknown.exitCode()).isEqualTo(2);
    assertThat(unknown.err()).contains("cannot group by 'colour'");
    CliHarness.Result noRuns = cli.run("stats", "--by", "module,version", "--min-runs", "0");
    assertThat(noRuns.exitCode()).isEqualTo(2);
    assertThat(noRuns.err()).contains("the minimum runs >= 1");
  }

  @AfterEach
  void closeWriters() {
    writers.close();
  }
}
