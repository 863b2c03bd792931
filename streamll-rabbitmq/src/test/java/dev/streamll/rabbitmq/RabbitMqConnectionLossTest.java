package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.CircuitState;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import dev.streamll.journal.InMemoryJournal;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections between the sink and the broker are cut (and refused for a while) as 100,000 events
 * flow through an in-JVM TCP proxy; a consumer on a durable queue, connected directly, counts what
 * arrives. Every event must arrive; duplicates (re-sent batches whose confirms were lost) are
 * allowed and reported.
 */
class RabbitMqConnectionLossTest {
  private static final int EVENTS = 100_000;
  private static final int CUTS = 3;
  private static final long REFUSE_MILLIS = 1_500;

  private TestBroker broker;
  private TcpProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    broker = new TestBroker("faults");
    proxy = new TcpProxy(TestBroker.HOST, TestBroker.PORT);
  }

  @AfterEach
  void tearDown() throws Exception {
    proxy.close();
    broker.close();
  }

  @Test
  void noEventIsLostWhenConnectionsAreCut() throws Exception {
    String exchange = broker.exchangeName("cuts");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "audit", "#");
    Map<String, Integer> received = new ConcurrentHashMap<>();
    AtomicLong deliveries = new AtomicLong();
    Channel consumer = broker.connection().createChannel();
    consumer.basicConsume(
        queue,
        true,
        new DefaultConsumer(consumer) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            received.merge(props.getMessageId(), 1, Integer::sum);
            deliveries.incrementAndGet();
          }
        });

    ForwarderOptions options =
        ForwarderOptions.builder()
            .maxBatchSize(512)
            .writeTimeout(Duration.ofSeconds(5))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .circuitBreaker(3, Duration.ofMillis(500))
            .build();
    String url =
        "amqp://guest:guest@127.0.0.1:"
            + proxy.port()
            + "/?connect_timeout_ms=2000&heartbeat=5&exchange="
            + exchange;
    Set<String> sent = ConcurrentHashMap.newKeySet();
    int cutsWithOpenCircuit = 0;
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .journal(() -> InMemoryJournal.builder().maxBytes(512L << 20).build(), "memory")
                .blockWhenFull(Duration.ofSeconds(60))
                .sink(SinkConfig.of(url).options(options))
                .build())) {
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < EVENTS; i++) {
                  StreamllEvent event =
                      StreamllEvent.builder()
                          .moduleName(i % 3 == 0 ? "ChatBot" : "Retriever")
                          .operation("llm_call")
                          .eventType(i % 10 == 0 ? "error" : "token")
                          .data("i", i)
                          .build();
                  sent.add(event.eventId());
                  streamll.emit(event);
                }
              },
              "producer");
      producer.start();

      for (int cut = 1; cut <= CUTS; cut++) {
        long threshold = (long) EVENTS * cut / (CUTS + 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> received.size() >= threshold);
        proxy.cut(REFUSE_MILLIS);
        await()
            .atMost(Duration.ofSeconds(10))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> sinkHealth(streamll).circuit() == CircuitState.OPEN);
        cutsWithOpenCircuit++;
        await()
            .atMost(Duration.ofSeconds(15))
            .until(() -> sinkHealth(streamll).circuit() == CircuitState.CLOSED);
      }
      producer.join();
      FlushResult flush = streamll.flush(Duration.ofSeconds(90));
      assertThat(flush.complete()).as("flush %s", flush).isTrue();
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() >= EVENTS);

      SinkHealth health = sinkHealth(streamll);
      assertThat(streamll.health().dropped().values()).allMatch(v -> v == 0);
      long lost = sent.stream().filter(id -> !received.containsKey(id)).count();
      long duplicates = deliveries.get() - received.size();
      System.out.printf(
          "connection-loss: sent=%d received=%d lost=%d duplicates=%d cuts=%d"
              + " proxiedConnections=%d failedAttempts=%d%n",
          sent.size(),
          received.size(),
          lost,
          duplicates,
          CUTS,
          proxy.connectionsForwarded(),
          health.failedAttempts());
      assertThat(sent).hasSize(EVENTS);
      assertThat(lost).isZero();
      assertThat(received.keySet()).isEqualTo(sent);
      assertThat(health.delivered()).isGreaterThanOrEqualTo(EVENTS);
      assertThat(health.circuit()).isEqualTo(CircuitState.CLOSED);
      assertThat(cutsWithOpenCircuit).isEqualTo(CUTS);
      assertThat(proxy.connectionsForwarded()).isGreaterThan(CUTS);
    } finally {
      consumer.close();
    }
  }

  @Test
  void aSilentBrokerTimesOutTheWriteAndDeliveryResumes() throws Exception {
    String exchange = broker.exchangeName("freeze");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "all", "#");
    ForwarderOptions options =
        ForwarderOptions.builder()
            .writeTimeout(Duration.ofSeconds(1))
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .circuitBreaker(3, Duration.ofMillis(500))
            .build();
    String url =
        "amqp://guest:guest@127.0.0.1:"
            + proxy.port()
            + "/?connect_timeout_ms=500&heartbeat=5&exchange="
            + exchange;
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(SinkConfig.of(url).options(options))
                .build())) {
      streamll.emit(StreamllEvent.builder().moduleName("warmup").build());
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();

      proxy.freeze(3_000);
      for (int i = 0; i < 1_000; i++) {
        streamll.emit(StreamllEvent.builder().moduleName("ChatBot").data("i", i).build());
      }
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> assertThat(sinkHealth(streamll).lastError()).contains("within writeTimeout"));
      assertThat(sinkHealth(streamll).delivered()).isEqualTo(1);

      FlushResult flush = streamll.flush(Duration.ofSeconds(30));
      assertThat(flush.complete()).as("flush %s", flush).isTrue();
    }
    Set<String> ids = ConcurrentHashMap.newKeySet();
    int messages = 0;
    for (var message : broker.drain(queue)) {
      ids.add(message.getProps().getMessageId());
      messages++;
    }
    System.out.printf("freeze: received=%d duplicates=%d%n", ids.size(), messages - ids.size());
    assertThat(ids).hasSize(1_001);
  }

  private static SinkHealth sinkHealth(Streamll streamll) {
    return streamll.health().sinks().get(0);
  }
}
