package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.CircuitState;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker is stopped while events flow and started again on the same port and data directory:
 * nothing may be lost, and the forwarder's circuit must open and close.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaOutageTest {
  private static final int EVENTS = 100_000;
  private static final int EXECUTIONS = 50;
  private static final long EVENTS_PER_SECOND = 10_000;

  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.start(
            EmbeddedKafkaBroker.tempDir("streamll-kafka-outage"),
            Map.of("auto.create.topics.enable", "false"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aBrokerOutageLosesNothingAndTheCircuitOpensAndCloses() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("outage");
    broker.createTopic(topic, 6, Map.of());
    // Fail fast while the broker is down so the circuit opens within seconds.
    String url =
        "kafka://"
            + broker.bootstrapServers()
            + "/"
            + topic
            + "?producer.delivery.timeout.ms=2000&producer.request.timeout.ms=1000"
            + "&producer.max.block.ms=1000&producer.reconnect.backoff.max.ms=200";
    ForwarderOptions options =
        ForwarderOptions.builder()
            .writeTimeout(Duration.ofSeconds(20))
            .backoff(Duration.ofMillis(50), Duration.ofMillis(500))
            .circuitBreaker(3, Duration.ofMillis(500))
            .build();
    String sinkName = "kafka://" + broker.bootstrapServers() + "/" + topic;

    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(SinkConfig.of(url).options(options))
                .blockWhenFull(Duration.ofSeconds(60))
                .build())) {
      CompletableFuture<Void> emitting = CompletableFuture.runAsync(() -> emitPaced(streamll));

      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(5))
          .until(() -> streamll.health().sink(sinkName).delivered() >= 20_000);
      broker.stop();

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> streamll.health().sink(sinkName).circuit() == CircuitState.OPEN);
      SinkHealth open = streamll.health().sink(sinkName);
      assertThat(open.failedAttempts()).isGreaterThanOrEqualTo(3);
      assertThat(open.lastError())
          .contains("bootstrap.servers (" + broker.bootstrapServers() + ")");

      broker.restart();
      emitting.get(60, TimeUnit.SECONDS);
      FlushResult flushed = streamll.flush(Duration.ofSeconds(60));
      assertThat(flushed.complete()).as("flush after recovery: %s", flushed).isTrue();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> streamll.health().sink(sinkName).circuit() == CircuitState.CLOSED);
      assertThat(streamll.health().dropped().values()).allMatch(count -> count == 0);
    }

    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readAll(broker.bootstrapServers(), topic, EVENTS, Duration.ofSeconds(60));
    ObjectMapper json = new ObjectMapper();
    BitSet seen = new BitSet(EVENTS);
    Map<String, Integer> lastFirstSeen = new HashMap<>();
    int duplicates = 0;
    int outOfOrder = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      JsonNode event = json.readTree(record.value());
      int seq = event.get("data").get("seq").asInt();
      if (seen.get(seq)) {
        duplicates++;
        continue;
      }
      seen.set(seq);
      Integer previous = lastFirstSeen.put(event.get("execution_id").asText(), seq);
      if (previous != null && previous > seq) {
        outOfOrder++;
      }
    }
    int lost = EVENTS - seen.cardinality();
    System.out.printf(
        "KafkaOutageTest: sent=%d received=%d lost=%d duplicates=%d out_of_order=%d%n",
        EVENTS, records.size(), lost, duplicates, outOfOrder);
    assertThat(lost).as("lost events").isZero();
    assertThat(outOfOrder).as("first deliveries out of order per execution").isZero();
  }

  /** Emits {@link #EVENTS} at about {@link #EVENTS_PER_SECOND}, so the outage hits a live flow. */
  private static void emitPaced(Streamll streamll) {
    long start = System.nanoTime();
    long nanosPerEvent = TimeUnit.SECONDS.toNanos(1) / EVENTS_PER_SECOND;
    for (int i = 0; i < EVENTS; i++) {
      long due = start + i * nanosPerEvent;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      boolean accepted =
          streamll.emit(
              StreamllEvent.builder()
                  .executionId("exec-" + (i % EXECUTIONS))
                  .moduleName("outage")
                  .operation("llm_call")
                  .eventType("token")
                  .data("seq", i)
                  .build());
      if (!accepted) {
        throw new IllegalStateException("event " + i + " was not accepted");
      }
    }
  }
}
