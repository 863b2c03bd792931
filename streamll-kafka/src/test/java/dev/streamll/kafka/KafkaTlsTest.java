package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.testing.TlsFiles;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Plain TLS (and mutual TLS)" set-up of docs/sinks/kafka.md against real brokers with TLS
 * listeners and self-signed certificates: the documented properties deliver every event, and a
 * client missing the truststore or, for mutual TLS, its keystore gets an error naming the setting.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaTlsTest {
  private static final int EVENTS = 2_000;

  @TempDir static Path tlsFiles;

  private static TlsFiles tls;
  private static EmbeddedKafkaBroker serverTls;
  private static EmbeddedKafkaBroker mutualTls;

  @BeforeAll
  static void startBrokers() {
    tls = TlsFiles.create(tlsFiles);
    serverTls =
        EmbeddedKafkaBroker.startTls(EmbeddedKafkaBroker.tempDir("streamll-kafka-tls"), tls, false);
    mutualTls =
        EmbeddedKafkaBroker.startTls(EmbeddedKafkaBroker.tempDir("streamll-kafka-mtls"), tls, true);
  }

  @AfterAll
  static void stopBrokers() {
    for (EmbeddedKafkaBroker broker : new EmbeddedKafkaBroker[] {serverTls, mutualTls}) {
      if (broker != null) {
        broker.close();
      }
    }
  }

  private static Map<String, String> trustTheBroker() {
    return Map.of(
        "security.protocol",
        "SSL",
        "ssl.truststore.location",
        tls.clientTruststore().toString(),
        "ssl.truststore.password",
        TlsFiles.PASSWORD);
  }

  @Test
  void theDocumentedTruststorePropertiesInTheUrlDeliverEveryEvent() {
    String topic = EmbeddedKafkaBroker.uniqueTopic("tls");
    serverTls.createTopic(topic, 3, Map.of());
    assertEveryEventArrives(
        serverTls, topic, SinkConfig.of(serverTls.url(topic, trustTheBroker())));
  }

  @Test
  void mutualTlsWithTheDocumentedKeystorePropertiesDeliversEveryEvent() {
    String topic = EmbeddedKafkaBroker.uniqueTopic("mtls");
    mutualTls.createTopic(topic, 3, Map.of());
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(mutualTls.bootstrapServers())
            .topic(topic)
            .properties(trustTheBroker())
            .property("ssl.keystore.location", tls.clientKeystore().toString())
            .property("ssl.keystore.password", TlsFiles.PASSWORD)
            .build();
    assertEveryEventArrives(mutualTls, topic, SinkConfig.of(sink));
  }

  @Test
  void aBrokerCertificateTheClientDoesNotTrustIsReportedWithTheTruststoreSetting() {
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(serverTls.bootstrapServers())
            .topic(EmbeddedKafkaBroker.uniqueTopic("untrusted"))
            .property("security.protocol", "SSL")
            .property("max.block.ms", "5000")
            .build();
    assertThatThrownBy(sink::start)
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("TLS handshake")
        .hasMessageContaining("ssl.truststore.location");
    sink.close();
  }

  @Test
  void aMissingClientCertificateIsReportedWithTheKeystoreSetting() {
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(mutualTls.bootstrapServers())
            .topic(EmbeddedKafkaBroker.uniqueTopic("no-client-certificate"))
            .properties(trustTheBroker())
            .property("max.block.ms", "5000")
            .build();
    assertThatThrownBy(sink::start)
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("TLS handshake")
        .hasMessageContaining("ssl.keystore.location");
    sink.close();
  }

  private static void assertEveryEventArrives(
      EmbeddedKafkaBroker broker, String topic, SinkConfig sink) {
    Set<String> sent = new HashSet<>();
    try (Streamll streamll =
        Streamll.create(StreamllConfig.builder().inMemoryJournal().sink(sink).build())) {
      for (int i = 0; i < EVENTS; i++) {
        StreamllEvent event =
            StreamllEvent.builder()
                .executionId("run-" + i % 7)
                .eventType("token")
                .data("token_index", i)
                .build();
        sent.add(event.eventId());
        assertThat(streamll.emit(event)).isTrue();
      }
      FlushResult flushed = streamll.flush(Duration.ofSeconds(60));
      assertThat(flushed.complete()).as("flush %s", flushed).isTrue();
    }
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readAll(
            broker.plaintextBootstrapServers(), topic, EVENTS, Duration.ofSeconds(30));
    EventCodec codec = new EventCodec();
    Set<String> received = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      received.add(codec.decode(record.value()).eventId());
    }
    Set<String> lost = new HashSet<>(sent);
    lost.removeAll(received);
    assertThat(lost).as("events sent over TLS but not in the topic").isEmpty();
    assertThat(received).hasSize(EVENTS);
  }
}
