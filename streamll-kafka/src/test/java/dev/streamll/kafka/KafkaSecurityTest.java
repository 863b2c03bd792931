package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.sink.SinkException;
import dev.streamll.source.EventSource;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Authentication and authorization failures against a broker with SASL/PLAIN and ACLs. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaSecurityTest {
  private static EmbeddedKafkaBroker broker;
  private static String topic;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.startSecured(
            EmbeddedKafkaBroker.tempDir("streamll-kafka-secured"), Map.of("alice", "alice-secret"));
    topic = EmbeddedKafkaBroker.uniqueTopic("secured");
    broker.createTopic(topic, 1, Map.of());
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static KafkaSink sinkAs(String user, String password) {
    return KafkaSink.builder()
        .bootstrapServers(broker.bootstrapServers())
        .topic(topic)
        .properties(broker.clientSecurity(user, password))
        .property("max.block.ms", "3000")
        .build();
  }

  @Test
  void aUserWithoutAclsIsToldWhichAclToGrant() {
    KafkaSink sink = sinkAs("alice", "alice-secret");
    assertThatThrownBy(sink::start)
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("not authorized for topic '" + topic + "'")
        .hasMessageContaining("WRITE and DESCRIBE")
        .hasMessageContaining("TopicAuthorizationException");
    sink.close();
  }

  @Test
  void aWrongPasswordIsReportedAsAuthenticationFailure() {
    KafkaSink sink = sinkAs("alice", "wrong");
    assertThatThrownBy(sink::start)
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("authentication failed")
        .hasMessageContaining("sasl.jaas.config");
    sink.close();
  }

  @Test
  void tailingWithoutReadAclsIsReportedToo() {
    Map<String, String> alice = broker.clientSecurity("alice", "alice-secret");
    try (EventSource source = KafkaSinkTest.openSource(broker.url(topic, alice))) {
      assertThatThrownBy(() -> source.read(false, event -> true))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("not authorized for topic '" + topic + "'");
    }
  }
}
