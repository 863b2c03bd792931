package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.streamll.Health;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.CircuitState;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import dev.streamll.journal.InMemoryJournal;
import dev.streamll.testing.EventSchema;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Redis is killed with SIGKILL while 200,000 events flow and restarted on the same port a few
 * seconds later: every event must arrive.
 *
 * <p>Counting: the test's redis-server runs with {@code --appendonly yes --appendfsync always}, so
 * every XADD it acknowledged is in its append-only file before the reply leaves, and the restarted
 * server holds exactly what was confirmed before the kill. Reading the whole stream with XRANGE at
 * the end then checks the sink's claim directly ("confirmed" means stored): an event confirmed but
 * not stored, or never re-sent, shows up as lost. Without persistence the restarted server would be
 * empty, and events confirmed before the kill would be lost by the server, not by the sink; a
 * continuous XREAD consumer would not fix that either, since entries written between its last read
 * and the kill vanish unseen.
 */
class RedisOutageTest {
  private static final int EVENTS = 200_000;
  private static final int EVENTS_PER_MS = 40;
  private static final String STREAM = "outage";

  @TempDir Path dir;

  @Test
  void killNineAndRestartLosesNothing() throws Exception {
    try (RedisServerProcess redis =
        RedisServerProcess.start(dir, "--appendonly", "yes", "--appendfsync", "always")) {
      String url = redis.url() + "/" + STREAM + "?timeout=2s";
      ForwarderOptions options =
          ForwarderOptions.builder()
              .maxBatchSize(1000)
              .writeTimeout(Duration.ofSeconds(5))
              .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
              .circuitBreaker(3, Duration.ofMillis(500))
              .build();
      StreamllConfig config =
          StreamllConfig.builder()
              .sink(SinkConfig.of(url).options(options))
              .journal(() -> InMemoryJournal.builder().maxBytes(1L << 30).build(), "memory")
              .blockWhenFull(Duration.ofSeconds(30))
              .startTimeout(Duration.ofSeconds(60))
              .closeTimeout(Duration.ofSeconds(30))
              .build();
      String[] emitted = new String[EVENTS];
      AtomicInteger rejected = new AtomicInteger();
      try (Streamll streamll = Streamll.create(config)) {
        String sink = streamll.health().sinks().get(0).name();
        Thread producer = new Thread(() -> produce(streamll, emitted, rejected), "producer");
        producer.start();

        await("a good part delivered before the kill")
            .atMost(Duration.ofSeconds(60))
            .until(() -> streamll.health().sink(sink).delivered() >= EVENTS / 5);
        redis.kill();
        long killedAt = System.nanoTime();
        await("circuit opens")
            .atMost(Duration.ofSeconds(15))
            .pollInterval(Duration.ofMillis(10))
            .until(() -> streamll.health().sink(sink).circuit() == CircuitState.OPEN);
        long deliveredAtOpen = streamll.health().sink(sink).delivered();
        Set<CircuitState> seenWhileDown = EnumSet.noneOf(CircuitState.class);
        while (System.nanoTime() - killedAt < TimeUnit.SECONDS.toNanos(3)) {
          SinkHealth health = streamll.health().sink(sink);
          seenWhileDown.add(health.circuit());
          assertThat(health.delivered()).isEqualTo(deliveredAtOpen);
          LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
        }
        assertThat(seenWhileDown).contains(CircuitState.OPEN).doesNotContain(CircuitState.CLOSED);
        String errorWhileDown = streamll.health().sink(sink).lastError();
        System.out.printf(
            "outage: delivered %,d before the circuit opened; last error: %s%n",
            deliveredAtOpen, errorWhileDown);
        assertThat(errorWhileDown).contains("is redis-server running?");

        redis.start();
        producer.join(120_000);
        assertThat(producer.isAlive()).isFalse();
        assertThat(streamll.flush(Duration.ofSeconds(90)).complete()).isTrue();
        await("circuit closes")
            .atMost(Duration.ofSeconds(10))
            .until(() -> streamll.health().sink(sink).circuit() == CircuitState.CLOSED);
        Health health = streamll.health();
        assertThat(health.sink(sink).delivered()).isEqualTo(EVENTS);
        assertThat(health.sink(sink).lag()).isZero();
        assertThat(health.dropped().values()).allMatch(count -> count == 0);
        assertThat(rejected.get()).isZero();
        System.out.printf(
            "outage: %,d failed attempts; circuit %s after recovery%n",
            health.sink(sink).failedAttempts(), health.sink(sink).circuit());
      }

      Map<String, Integer> received = readAll(redis.url());
      int duplicates = 0;
      for (int count : received.values()) {
        duplicates += count - 1;
      }
      int lost = 0;
      for (String id : emitted) {
        if (!received.containsKey(id)) {
          lost++;
        }
      }
      System.out.printf(
          "outage: emitted %,d, distinct received %,d, lost %d, duplicates %d%n",
          EVENTS, received.size(), lost, duplicates);
      assertThat(lost).isZero();
      assertThat(received).hasSize(EVENTS);
    }
  }

  /** Emits at a steady pace so that events are still flowing during the outage. */
  private static void produce(Streamll streamll, String[] emitted, AtomicInteger rejected) {
    long start = System.nanoTime();
    for (int i = 0; i < EVENTS; i++) {
      if (i % EVENTS_PER_MS == 0) {
        long due = start + TimeUnit.MILLISECONDS.toNanos(i / EVENTS_PER_MS);
        long wait = due - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
      }
      StreamllEvent event =
          new StreamllEvent(
              null,
              null,
              null,
              null,
              null,
              "OutageTest",
              "produce",
              "llm_call",
              "token",
              Map.of("i", i, "token", "tok"),
              Map.of(),
              null,
              null,
              null,
              null);
      emitted[i] = event.eventId();
      if (!streamll.emit(event)) {
        rejected.incrementAndGet();
      }
    }
  }

  /** Every event id in the stream with how often it occurs; validates a sample of entries. */
  private static Map<String, Integer> readAll(String url) throws IOException {
    RedisClient client = RedisClient.create(url);
    Map<String, Integer> counts = new HashMap<>();
    JsonFactory json = new JsonFactory();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      String from = "-";
      long entries = 0;
      while (true) {
        List<StreamMessage<String, String>> page =
            connection.sync().xrange(STREAM, Range.create(from, "+"), Limit.from(10_000));
        for (StreamMessage<String, String> message : page) {
          String event = message.getBody().get("event");
          if (entries++ % 1000 == 0) {
            EventSchema.assertValid(event);
          }
          counts.merge(eventId(json, event), 1, Integer::sum);
        }
        if (page.size() < 10_000) {
          return counts;
        }
        from = RedisEventSource.next(page.get(page.size() - 1).getId());
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static String eventId(JsonFactory json, String event) throws IOException {
    try (JsonParser parser = json.createParser(event)) {
      parser.nextToken();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        parser.nextToken();
        if (field.equals("event_id")) {
          return parser.getText();
        }
        parser.skipChildren();
      }
    }
    throw new AssertionError("entry without event_id: " + event);
  }
}
