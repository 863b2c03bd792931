package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.BuiltinExchangeType;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.CircuitState;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Misconfiguration surfaces as a clear error at start-up and in health — never as delivery. */
class RabbitMqBadConfigurationTest {
  private static final ForwarderOptions FAST_RETRY =
      ForwarderOptions.builder()
          .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
          .circuitBreaker(3, Duration.ofMillis(300))
          .build();

  private TestBroker broker;

  @BeforeEach
  void connect() throws Exception {
    broker = new TestBroker("badconfig");
  }

  @AfterEach
  void cleanUp() throws Exception {
    broker.close();
  }

  private static StreamllEvent event() {
    return StreamllEvent.builder().moduleName("ChatBot").eventType("start").build();
  }

  /** Checks that start-up fails with, and health reports, every one of {@code fragments}. */
  private static void assertReported(String url, String... fragments) {
    assertThatThrownBy(
            () ->
                Streamll.create(
                        StreamllConfig.builder()
                            .inMemoryJournal()
                            .sink(url)
                            .checkSinksAtStart(true)
                            .build())
                    .close())
        .isInstanceOf(IllegalStateException.class)
        .satisfies(
            e -> {
              for (String fragment : fragments) {
                assertThat(e.getMessage()).contains(fragment);
              }
              assertThat(e.getMessage()).doesNotContain("wrong-password");
            });

    Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(SinkConfig.of(url).options(FAST_RETRY))
                .checkSinksAtStart(false)
                .build());
    try {
      streamll.emit(event());
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                SinkHealth health = streamll.health().sinks().get(0);
                assertThat(health.lastError()).isNotNull();
                for (String fragment : fragments) {
                  assertThat(health.lastError()).contains(fragment);
                }
                assertThat(health.delivered()).isZero();
              });
    } finally {
      streamll.close(Duration.ofMillis(200));
    }
  }

  @Test
  void wrongCredentialsNameTheUserAndThePassword() {
    assertReported(
        "amqp://guest:wrong-password@127.0.0.1:5672/?exchange=" + broker.exchangeName("creds"),
        "login refused for user 'guest'",
        "password");
  }

  @Test
  void missingVhostIsNamed() {
    String vhost = "no-such-vhost-" + UUID.randomUUID().toString().substring(0, 8);
    assertReported(
        "amqp://guest:guest@127.0.0.1:5672/" + vhost + "?exchange=" + broker.exchangeName("vh"),
        "vhost '" + vhost + "'",
        "cannot be opened");
  }

  @Test
  void exchangeOfAnotherTypeIsNamed() throws Exception {
    String exchange = broker.exchangeName("direct");
    broker.channel().exchangeDeclare(exchange, BuiltinExchangeType.DIRECT, true);
    assertReported(
        TestBroker.url("exchange=" + exchange),
        "option 'exchange'",
        "'" + exchange + "' already exists with different settings",
        "inequivalent arg 'type'",
        "declare=false");
  }

  @Test
  void undeclaredExchangeWithDeclareFalseIsNamed() {
    String exchange = broker.exchangeName("missing");
    assertReported(
        TestBroker.url("declare=false&exchange=" + exchange),
        "option 'exchange'",
        "'" + exchange + "' does not exist");
  }

  @Test
  void unreachableBrokerNamesHostAndPort() {
    assertReported(
        "amqp://guest:guest@127.0.0.1:1/?connect_timeout_ms=2000", "cannot connect to 127.0.0.1:1");
  }

  @Test
  void unroutableEventsAreAnErrorUntilAQueueMatches() throws Exception {
    String exchange = broker.exchangeName("unroutable");
    Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(SinkConfig.of(TestBroker.url("exchange=" + exchange)).options(FAST_RETRY))
                .build());
    try {
      streamll.emit(event());
      streamll.emit(event());
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                SinkHealth health = streamll.health().sinks().get(0);
                assertThat(health.lastError())
                    .contains("unroutable")
                    .contains("exchange '" + exchange + "'")
                    .contains("routing key 'ChatBot.start'")
                    .contains("NO_ROUTE");
                assertThat(health.circuit()).isEqualTo(CircuitState.OPEN);
              });
      assertThat(streamll.flush(Duration.ofMillis(200)).complete()).isFalse();
      assertThat(streamll.health().sinks().get(0).delivered()).isZero();

      // Binding a queue fixes the configuration: the waiting events are delivered.
      String queue = broker.boundQueue(exchange, "late", "ChatBot.*");
      assertThat(streamll.flush(Duration.ofSeconds(20)).complete()).isTrue();
      assertThat(broker.drain(queue)).hasSize(2);
      assertThat(streamll.health().sinks().get(0).circuit()).isEqualTo(CircuitState.CLOSED);
    } finally {
      streamll.close(Duration.ofMillis(200));
    }
  }
}
