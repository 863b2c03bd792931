package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.Sinks;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** URL and builder parsing; no broker needed. */
class KafkaUrlTest {

  @Test
  void aUrlSelectsTheKafkaSinkWithBrokersTopicAndSafeDefaults() {
    Sink sink = Sinks.create("kafka://k1:9093,k2/llm_events?producer.linger.ms=20");
    assertThat(sink).isInstanceOf(KafkaSink.class);
    KafkaSink kafka = (KafkaSink) sink;
    assertThat(kafka.name()).isEqualTo("kafka://k1:9093,k2:9092/llm_events");
    assertThat(kafka.topic()).isEqualTo("llm_events");
    assertThat(kafka.settings())
        .containsEntry("bootstrap.servers", "k1:9093,k2:9092")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("acks", "all")
        .containsEntry("linger.ms", "20")
        .containsEntry("max.block.ms", "5000")
        .containsEntry("delivery.timeout.ms", "10000")
        .containsEntry("compression.type", "lz4");
  }

  @Test
  void optionsGoToProducerConsumerOrBothByPrefix() {
    KafkaUrl url =
        KafkaUrl.parse(
            SinkUrl.parse(
                "kafka://h:1/t?producer.acks=1&consumer.max.poll.records=5"
                    + "&kafka.security.protocol=SSL"));
    assertThat(url.producer()).isEqualTo(Map.of("acks", "1"));
    assertThat(url.consumer()).isEqualTo(Map.of("max.poll.records", "5"));
    assertThat(url.common()).isEqualTo(Map.of("security.protocol", "SSL"));
  }

  @Test
  void userAndPasswordMeanSaslPlainOverTlsAndNeverAppearInTheName() {
    Sink sink = Sinks.create("kafka://KEY:s%40cr%2Bt%22x@pkc-1.confluent.cloud:9092/events");
    KafkaSink kafka = (KafkaSink) sink;
    assertThat(kafka.name()).isEqualTo("kafka://pkc-1.confluent.cloud:9092/events");
    assertThat(kafka.settings())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN")
        .containsEntry(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"KEY\" password=\"s@cr+t\\\"x\";");
  }

  @Test
  void badUrlsNameWhatIsWrongAndTheFix() {
    assertThatThrownBy(() -> Sinks.create("kafka://localhost:9092"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a topic");
    assertThatThrownBy(() -> Sinks.create("kafka://localhost:9092/bad topic!"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sinks.create("kafka://localhost:9092/t?linger.ms=5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown option 'linger.ms'")
        .hasMessageContaining("producer.<property>");
    assertThatThrownBy(() -> Sinks.create("kafka://a:1,,b:2/t"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("invalid broker address");
  }

  @Test
  void theBuilderTakesPropertiesAndRequiresBrokersAndTopic() {
    Properties props = new Properties();
    props.setProperty("sasl.mechanism", "SCRAM-SHA-512");
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers("b:9092")
            .topic("t")
            .properties(props)
            .properties(Map.of("compression.type", "zstd"))
            .build();
    assertThat(sink.settings())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("compression.type", "zstd");
    assertThatThrownBy(() -> KafkaSink.builder().topic("t").build())
        .hasMessageContaining("bootstrapServers");
    assertThatThrownBy(() -> KafkaSink.builder().bootstrapServers("b:1").build())
        .hasMessageContaining("topic");
  }

  @Test
  void recordFieldsAreReadWithoutDecodingThePayload() {
    byte[] json =
        ("{\"event_id\":\"e\",\"execution_id\":\"x1\",\"data\":{\"execution_id\":\"inner\","
                + "\"list\":[1,{\"a\":2}]},\"module_name\":\"rag\",\"event_type\":\"token\","
                + "\"tags\":{},\"schema_version\":\"1.0\"}")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RecordFields fields = RecordFields.of(json);
    assertThat(new String(fields.executionId(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("x1");
    assertThat(new String(fields.moduleName(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("rag");
    assertThat(new String(fields.eventType(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("token");
    assertThat(new String(fields.schemaVersion(), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("1.0");
  }

  @Test
  void recordFieldsAreUnescapedAndNullWhenAbsentOrNotStrings() {
    byte[] json =
        ("{ \"schema_version\": 1.0, \"module_name\": \"Caf\\u00e9 \\ud83d\\ude00\","
                + " \"event_type\": null }")
            .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    RecordFields fields = RecordFields.of(json);
    assertThat(fields.moduleName())
        .isEqualTo("Café 😀".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(fields.executionId()).isNull();
    assertThat(fields.eventType()).isNull();
    assertThat(fields.schemaVersion()).isNull();
    assertThatThrownBy(
            () ->
                RecordFields.of(
                    "{\"execution_id\":".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
