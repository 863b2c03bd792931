package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import dev.streamll.testing.EventSchema;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RabbitMqEventSourceTest {
  private TestBroker broker;

  @BeforeEach
  void connect() throws Exception {
    broker = new TestBroker("tail");
  }

  @AfterEach
  void cleanUp() throws Exception {
    broker.close();
  }

  private static EventSource open(String url) {
    EventSourceProvider provider =
        ServiceLoader.load(EventSourceProvider.class).stream()
            .map(ServiceLoader.Provider::get)
            .filter(p -> p.schemes().contains("amqp"))
            .findFirst()
            .orElseThrow();
    return provider.open(SinkUrl.parse(url));
  }

  private static StreamllEvent event(String module, String type) {
    return StreamllEvent.builder().moduleName(module).eventType(type).build();
  }

  @Test
  void tailFollowsNewEventsThatMatchTheBinding() throws Exception {
    String exchange = broker.exchangeName("tail");
    broker.declareTopic(exchange);
    broker.boundQueue(exchange, "all", "#");
    List<EncodedEvent> seen = new CopyOnWriteArrayList<>();
    AtomicReference<Throwable> readerError = new AtomicReference<>();

    try (Streamll streamll =
            Streamll.create(
                StreamllConfig.builder()
                    .inMemoryJournal()
                    .sink(TestBroker.url("exchange=" + exchange))
                    .build());
        EventSource source = open(TestBroker.url("binding=ChatBot.%23&exchange=" + exchange))) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  source.read(
                      true,
                      e -> {
                        seen.add(e);
                        return !e.event().eventType().equals("end");
                      });
                } catch (RuntimeException e) {
                  readerError.set(e);
                }
              },
              "tail-reader");
      reader.start();
      // The exchange keeps no history: publish probes until the tail's queue is bound.
      await()
          .atMost(Duration.ofSeconds(10))
          .until(
              () -> {
                streamll.emit(event("ChatBot", "probe"));
                streamll.flush(Duration.ofSeconds(5));
                return !seen.isEmpty();
              });

      StreamllEvent start = event("ChatBot", "start");
      StreamllEvent other = event("Retriever", "start");
      StreamllEvent end = event("ChatBot", "end");
      streamll.emit(start);
      streamll.emit(other);
      streamll.emit(end);
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
      reader.join(10_000);

      assertThat(reader.isAlive()).as("read returns when the handler says stop").isFalse();
      assertThat(readerError.get()).isNull();
      List<String> ids =
          seen.stream()
              .filter(e -> !e.event().eventType().equals("probe"))
              .map(e -> e.event().eventId())
              .toList();
      assertThat(ids).containsExactly(start.eventId(), end.eventId());
      seen.forEach(e -> EventSchema.assertValid(e.json()));
    }
  }

  @Test
  void closeEndsAFollowingReadAndNonFollowReturnsAtOnce() throws Exception {
    String exchange = broker.exchangeName("close");
    broker.declareTopic(exchange);
    EventSource source = open(TestBroker.url("exchange=" + exchange));
    source.read(false, e -> true);
    AtomicReference<Throwable> readerError = new AtomicReference<>();
    Thread reader =
        new Thread(
            () -> {
              try {
                source.read(true, e -> true);
              } catch (RuntimeException e) {
                readerError.set(e);
              }
            });
    reader.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> reader.getState() == Thread.State.WAITING);
    source.close();
    reader.join(5_000);
    assertThat(reader.isAlive()).isFalse();
    assertThat(readerError.get()).isNull();
  }

  @Test
  void missingExchangeIsNamed() {
    String exchange = broker.exchangeName("absent");
    try (EventSource source = open(TestBroker.url("exchange=" + exchange))) {
      assertThatThrownBy(() -> source.read(true, e -> true))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("option 'exchange'")
          .hasMessageContaining(exchange);
    }
  }
}
