package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.sink.SinkException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.junit.jupiter.api.Test;

/**
 * The advice attached to Kafka's own exceptions. Missing topics and oversized records are also
 * produced for real against a broker in {@link KafkaSinkTest}; these are the cases that need a
 * secured cluster.
 */
class KafkaErrorsTest {
  private static final Map<String, Object> SETTINGS =
      Map.of(
          "bootstrap.servers", "b1:9092",
          "max.block.ms", "5000",
          "delivery.timeout.ms", "10000",
          "max.request.size", "1114112");

  private static SinkException explain(Throwable error) {
    return KafkaErrors.explain("kafka://b1:9092/events", "events", SETTINGS, error);
  }

  @Test
  void anAuthorizationFailureNamesTheAclToGrant() {
    SinkException e = explain(new TopicAuthorizationException("Not authorized to access topics"));
    assertThat(e.getMessage())
        .startsWith("kafka://b1:9092/events: not authorized for topic 'events'")
        .contains("WRITE and DESCRIBE")
        .contains("kafka-acls.sh")
        .contains("sasl.jaas.config")
        .contains("[TopicAuthorizationException: Not authorized to access topics]");
    assertThat(KafkaErrors.isFatal(e.getCause())).isTrue();

    assertThat(explain(new ClusterAuthorizationException("no IDEMPOTENT_WRITE")).getMessage())
        .contains("IDEMPOTENT_WRITE")
        .contains("producer.enable.idempotence=false");
  }

  @Test
  void anAuthenticationFailureNamesTheSecuritySettings() {
    assertThat(
            explain(new SaslAuthenticationException("Invalid username or password")).getMessage())
        .contains("security.protocol, sasl.mechanism and sasl.jaas.config")
        .contains("Invalid username or password");
  }

  @Test
  void timeoutsNameTheTimeoutAndTheBrokers() {
    assertThat(
            explain(new TimeoutException("Topic events not present in metadata after 5000 ms."))
                .getMessage())
        .contains("max.block.ms (5000 ms)")
        .contains("bootstrap.servers (b1:9092)")
        .contains("auto.create.topics.enable=false");
    assertThat(explain(new TimeoutException("Expiring 3 record(s) for events-0")).getMessage())
        .contains("delivery.timeout.ms (10000 ms)")
        .contains("bootstrap.servers (b1:9092)");
    assertThat(KafkaErrors.isFatal(new TimeoutException("x"))).isFalse();
  }

  @Test
  void aRejectedCompressionTypeSuggestsTheOthers() {
    Map<String, Object> lz4 = new HashMap<>(SETTINGS);
    lz4.put("compression.type", "lz4");
    assertThat(
            KafkaErrors.explain(
                    "kafka://b1:9092/events",
                    "events",
                    lz4,
                    new UnsupportedCompressionTypeException("lz4 not supported"))
                .getMessage())
        .contains("does not accept compression.type lz4")
        .contains("set producer.compression.type=gzip or none")
        .doesNotContain("=lz4");
  }

  @Test
  void aRecordTooLargeForTheBrokerNamesTheTopicAndBrokerLimits() {
    assertThat(
            explain(
                    new RecordTooLargeException(
                        "The request included a message larger than the max message size the server will accept."))
                .getMessage())
        .contains("max.message.bytes")
        .contains("message.max.bytes")
        .contains("maxPayloadBytes");
  }
}
