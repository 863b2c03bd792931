package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Redis at 127.0.0.1:6379 as a replay target and as a source for tail, stats and replay: what
 * goes in through one command comes out of the others, none lost, none twice.
 */
class RedisRoundTripTest {
  @TempDir Path dir;

  private final JournalWriters writers = new JournalWriters();
  private final String stream = "streamll_cli_test_" + UUID.randomUUID();
  private final String url = "redis://127.0.0.1:6379/" + stream;
  private final List<StreamllEvent> stored = new ArrayList<>();
  private CliHarness cli;

  @BeforeEach
  void fillJournal() {
    cli = new CliHarness(dir);
    Events events = new Events(writers.open(dir.resolve("journal")), Instant.now());
    for (int i = 0; i < 100; i++) {
      stored.addAll(events.span("M" + (i % 2), "1", 0.05 * (1 + i % 5), i % 10 == 0, 1, Map.of()));
    }
  }

  @AfterEach
  void cleanUp() {
    writers.close();
    RedisClient client = RedisClient.create("redis://127.0.0.1:6379");
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().del(stream);
    } finally {
      client.shutdown();
    }
  }

  private List<String> json(List<StreamllEvent> events) {
    return events.stream().map(Events.CODEC::encodeToString).toList();
  }

  @Test
  void replayIntoAStreamThenTailStatsAndReplayFromIt() throws Exception {
    CliHarness.Result replay = cli.run("replay", "journal", "--to", url);
    CliHarness.Result tail = cli.run("tail", url, "--json");
    CliHarness.Result stats = cli.run("stats", url, "--json");
    TestSinkProvider.reset("from-redis");
    CliHarness.Result back =
        cli.run("replay", url, "--to", "test://from-redis", "--from", "100", "--cursor", "r");

    assertThat(replay.exitCode()).as(replay.toString()).isZero();
    assertThat(replay.out()).contains("300 delivered, 0 failed");
    assertThat(tail.exitCode()).as(tail.toString()).isZero();
    assertThat(tail.out().lines().toList()).containsExactlyElementsOf(json(stored));
    JsonNode groups = new ObjectMapper().readTree(stats.out()).get("groups");
    assertThat(groups.get(0).get("runs").asLong() + groups.get(1).get("runs").asLong())
        .isEqualTo(100);
    assertThat(back.exitCode()).as(back.toString()).isZero();
    assertThat(
            TestSinkProvider.sink("from-redis").confirmed().stream().map(EncodedEvent::jsonString))
        .containsExactlyElementsOf(json(stored.subList(100, 300)));
  }

  @Test
  void doctorWritesATestEventToTheStream() {
    CliHarness.Result doctor = cli.run("doctor", url);
    CliHarness.Result tail = cli.run("tail", url, "--type", "doctor", "--json");

    assertThat(doctor.exitCode()).as(doctor.toString()).isZero();
    assertThat(doctor.out()).contains("✓ " + url + ": reachable, authenticated, writable");
    assertThat(tail.out().lines().toList())
        .singleElement()
        .asString()
        .contains("\"module_name\":\"streamll-doctor\"");
  }
}
