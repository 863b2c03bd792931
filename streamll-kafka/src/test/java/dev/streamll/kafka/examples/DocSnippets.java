package dev.streamll.kafka.examples;

import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.forward.CircuitState;
import dev.streamll.forward.EventFilter;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import dev.streamll.kafka.KafkaSink;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * The configuration snippets of docs/sinks/kafka.md, kept here so they compile; {@code
 * KafkaExamplesTest} builds each sink (building does not connect).
 */
public final class DocSnippets {
  private DocSnippets() {}

  public static KafkaSink fromClientProperties(Path file) throws IOException {
    Properties client = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      client.load(in);
    }
    return KafkaSink.builder()
        .bootstrapServers("broker1:9093,broker2:9093")
        .topic("llm_events")
        .properties(client)
        .build();
  }

  public static KafkaSink confluentCloud(String apiKey, String apiSecret) {
    return KafkaSink.builder()
        .bootstrapServers("pkc-xxxxx.eu-west-1.aws.confluent.cloud:9092")
        .topic("llm_events")
        .property("security.protocol", "SASL_SSL")
        .property("sasl.mechanism", "PLAIN")
        .property(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\""
                + apiKey
                + "\""
                + " password=\""
                + apiSecret
                + "\";")
        .property("client.dns.lookup", "use_all_dns_ips")
        .build();
  }

  public static KafkaSink amazonMskIam() {
    return KafkaSink.builder()
        .bootstrapServers("b-1.mycluster.xxxxxx.c2.kafka.eu-west-1.amazonaws.com:9098")
        .topic("llm_events")
        .property("security.protocol", "SASL_SSL")
        .property("sasl.mechanism", "AWS_MSK_IAM")
        .property("sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;")
        .property(
            "sasl.client.callback.handler.class",
            "software.amazon.msk.auth.iam.IAMClientCallbackHandler")
        .build();
  }

  public static KafkaSink azureEventHubs(String connectionString) {
    return KafkaSink.builder()
        .bootstrapServers("mynamespace.servicebus.windows.net:9093")
        .topic("llm-events")
        .property("security.protocol", "SASL_SSL")
        .property("sasl.mechanism", "PLAIN")
        .property(
            "sasl.jaas.config",
            "org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"$ConnectionString\" password=\""
                + connectionString
                + "\";")
        .build();
  }

  public static KafkaSink mutualTls(String truststorePassword, String keystorePassword) {
    return KafkaSink.builder()
        .bootstrapServers("kafka.internal:9093")
        .topic("llm_events")
        .property("security.protocol", "SSL")
        .property("ssl.truststore.location", "/etc/kafka/truststore.p12")
        .property("ssl.truststore.password", truststorePassword)
        .property("ssl.keystore.location", "/etc/kafka/client.p12")
        .property("ssl.keystore.password", keystorePassword)
        .build();
  }

  public static SinkConfig tuned() {
    return SinkConfig.of("kafka://broker1:9092/llm_events")
        .options(
            ForwarderOptions.builder()
                .maxBatchSize(2048)
                .writeTimeout(Duration.ofSeconds(30))
                .backoff(Duration.ofMillis(100), Duration.ofSeconds(10))
                .circuitBreaker(5, Duration.ofSeconds(30))
                .build());
  }

  public static StreamllConfig filtered() {
    return StreamllConfig.builder()
        .sink("kafka://broker:9092/streamll_archive")
        .sink(
            SinkConfig.of("kafka://broker:9092/llm_calls")
                .filter(EventFilter.operations("llm_call")))
        .sink(
            SinkConfig.of("kafka://broker:9092/streamll_errors")
                .filter(EventFilter.eventTypes("error")))
        .build();
  }

  /** True while the Kafka sink is delivering normally. */
  public static boolean kafkaHealthy(Streamll streamll, String sinkName) {
    SinkHealth kafka = streamll.health().sink(sinkName);
    return kafka.circuit() == CircuitState.CLOSED && kafka.lag() < 100_000;
  }
}
