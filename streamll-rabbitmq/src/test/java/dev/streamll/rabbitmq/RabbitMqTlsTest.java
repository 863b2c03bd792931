package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.GetResponse;
import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.testing.TlsFiles;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code amqps://} for real: a TLS endpoint with a self-signed certificate for {@code localhost} (a
 * TLS-terminating {@link TcpProxy} in front of the shared broker) reached with and without the
 * {@code truststore} option, and the option's own mistakes reported when the URL is read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RabbitMqTlsTest {
  private static final int EVENTS = 1_000;

  @TempDir static Path tlsDirectory;
  private static TlsFiles tls;
  private static TcpProxy tlsEndpoint;
  private TestBroker broker;

  @BeforeAll
  static void startTlsEndpoint() throws Exception {
    tls = TlsFiles.create(tlsDirectory);
    KeyStore keys = KeyStore.getInstance(tls.brokerKeystore().toFile(), password());
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(keyManagers.getKeyManagers(), null, null);
    tlsEndpoint = new TcpProxy(TestBroker.HOST, TestBroker.PORT, server.getServerSocketFactory());
  }

  @AfterAll
  static void stopTlsEndpoint() throws Exception {
    if (tlsEndpoint != null) {
      tlsEndpoint.close();
    }
  }

  @BeforeEach
  void connect() throws Exception {
    broker = new TestBroker("tls");
  }

  @AfterEach
  void cleanUp() throws Exception {
    broker.close();
  }

  private static char[] password() {
    return TlsFiles.PASSWORD.toCharArray();
  }

  private static String tlsUrl(String options) {
    return "amqps://guest:guest@localhost:" + tlsEndpoint.port() + "/?" + options;
  }

  private static String trustOption() {
    return "truststore=" + tls.clientTruststore() + "&truststore_password=" + TlsFiles.PASSWORD;
  }

  @Test
  void theTruststoreOptionDeliversEveryEventOverTls() throws Exception {
    String exchange = broker.exchangeName("tls");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "all", "#");
    Set<String> sent = new HashSet<>();
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(tlsUrl("exchange=" + exchange + "&" + trustOption()))
                .build())) {
      for (int i = 0; i < EVENTS; i++) {
        StreamllEvent event =
            StreamllEvent.builder().moduleName("ChatBot").eventType("token").data("i", i).build();
        sent.add(event.eventId());
        assertThat(streamll.emit(event)).isTrue();
      }
      FlushResult flushed = streamll.flush(Duration.ofSeconds(60));
      assertThat(flushed.complete()).as("flush %s", flushed).isTrue();
    }
    Set<String> received = new HashSet<>();
    List<GetResponse> messages = broker.drain(queue);
    for (GetResponse message : messages) {
      received.add(message.getProps().getMessageId());
    }
    Set<String> lost = new HashSet<>(sent);
    lost.removeAll(received);
    assertThat(lost).as("events confirmed over TLS but not in the queue").isEmpty();
    assertThat(messages).hasSize(EVENTS);
  }

  @Test
  void aCertificateTheJvmDoesNotTrustIsReportedWithTheTruststoreOption() {
    String url = tlsUrl("exchange=" + broker.exchangeName("untrusted"));
    assertThatThrownBy(
            () ->
                Streamll.create(
                        StreamllConfig.builder()
                            .inMemoryJournal()
                            .sink(SinkConfig.of(url))
                            .checkSinksAtStart(true)
                            .build())
                    .close())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TLS with localhost:" + tlsEndpoint.port() + " failed")
        .hasMessageContaining("truststore=/path/to/ca.p12");
  }

  @Test
  void truststoreMistakesAreReportedWhenTheUrlIsRead() {
    assertThatThrownBy(() -> SinkConfig.of(tlsUrl("truststore=" + tlsDirectory.resolve("no.p12"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("option 'truststore'")
        .hasMessageContaining("cannot read");
    assertThatThrownBy(
            () ->
                SinkConfig.of(
                    tlsUrl(
                        "truststore="
                            + tls.clientTruststore()
                            + "&truststore_password=wrong-secret")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("truststore_password")
        .hasMessageNotContaining("wrong-secret");
    assertThatThrownBy(() -> SinkConfig.of(TestBroker.url("truststore=" + tls.clientTruststore())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use amqps://");
    assertThatThrownBy(() -> SinkConfig.of(tlsUrl("truststore_password=" + TlsFiles.PASSWORD)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has no 'truststore'");
  }
}
