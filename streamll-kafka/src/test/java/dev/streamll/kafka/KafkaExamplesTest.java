package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamll.SinkConfig;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.EventFilter;
import dev.streamll.kafka.examples.DocSnippets;
import dev.streamll.kafka.examples.EventValidator;
import dev.streamll.kafka.examples.ExecutionReplay;
import dev.streamll.kafka.examples.ExecutionTreeConsumer;
import dev.streamll.kafka.examples.ExecutionTrees;
import dev.streamll.kafka.examples.LiveTokens;
import dev.streamll.kafka.examples.TokenCosts;
import dev.streamll.testing.EventSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The patterns in docs/sinks/kafka.md, run against a real broker. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaExamplesTest {
  private static EmbeddedKafkaBroker broker;
  private static String topic;
  private static String llmOnlyTopic;
  private static final List<String> executions = new ArrayList<>();

  @BeforeAll
  static void emitPipelines() {
    broker =
        EmbeddedKafkaBroker.start(
            EmbeddedKafkaBroker.tempDir("streamll-kafka-examples"),
            Map.of("auto.create.topics.enable", "false"));
    topic = EmbeddedKafkaBroker.uniqueTopic("examples");
    llmOnlyTopic = EmbeddedKafkaBroker.uniqueTopic("llm-only");
    broker.createTopic(topic, 4, Map.of());
    broker.createTopic(llmOnlyTopic, 4, Map.of());
    String base = "kafka://" + broker.bootstrapServers() + "/";
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(base + topic)
                .sink(SinkConfig.of(base + llmOnlyTopic).filter(EventFilter.operations("llm_call")))
                .build())) {
      for (int i = 0; i < 10; i++) {
        String customer = i % 2 == 0 ? "acme" : "globex";
        try (Span forward =
            streamll.span("module_forward").module("rag").tag("customer_id", customer).start()) {
          executions.add(forward.executionId());
          try (Span retrieve = streamll.trace("retrieve")) {
            retrieve.set("documents", 3);
          }
          try (Span llm =
              streamll.span("llm_call").data("gen_ai.request.model", "gpt-4o-mini").start()) {
            llm.token("Hello").token(" world");
            llm.set("gen_ai.usage.input_tokens", 1000).set("gen_ai.usage.output_tokens", 2000);
          }
        }
      }
      assertThat(streamll.flush(Duration.ofSeconds(30)).complete()).isTrue();
    }
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aConsumerGroupRebuildsEveryExecutionTree() throws Exception {
    List<ExecutionTrees.SpanNode> trees = new CopyOnWriteArrayList<>();
    ExecutionTreeConsumer consumer =
        new ExecutionTreeConsumer(broker.bootstrapServers(), topic, "trees-test", trees::add);
    Thread thread = new Thread(consumer);
    thread.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> trees.size() == 10);
    consumer.stop();
    thread.join(10_000);

    ExecutionTrees.SpanNode tree = trees.get(0);
    assertThat(tree.operation()).isEqualTo("module_forward");
    assertThat(tree.children())
        .extracting(ExecutionTrees.SpanNode::operation)
        .containsExactlyInAnyOrder("retrieve", "llm_call");
    assertThat(tree.render()).startsWith("module_forward (").contains("\n  llm_call (4 events");
  }

  @Test
  void oneExecutionIsReadBackFromItsPartitionAlone() {
    String execution = executions.get(3);
    List<StreamllEvent> events = ExecutionReplay.read(broker.bootstrapServers(), topic, execution);
    assertThat(events).hasSize(8).allMatch(e -> e.executionId().equals(execution));
    assertThat(events.get(0).operation()).isEqualTo("module_forward");
    assertThat(events.get(0).eventType()).isEqualTo("start");
  }

  @Test
  void tokenCostsAddUpPerCustomer() {
    TokenCosts costs =
        new TokenCosts(
            Map.of(
                "gpt-4o-mini",
                new TokenCosts.Price(new BigDecimal("0.15"), new BigDecimal("0.60"))));
    EventCodec codec = new EventCodec();
    for (ConsumerRecord<byte[], byte[]> record :
        TopicReader.readAll(broker.bootstrapServers(), topic, 80, Duration.ofSeconds(30))) {
      costs.accept(codec.decode(record.value()));
    }
    // Per call: 1000 × 0.15/1M + 2000 × 0.60/1M = 0.00135 USD; five calls per customer.
    assertThat(costs.costByCustomer())
        .containsEntry("acme", new BigDecimal("0.00675000"))
        .containsEntry("globex", new BigDecimal("0.00675000"));
  }

  @Test
  void tokensStreamByHeaderAndAssembleBySpan() {
    LiveTokens live = new LiveTokens();
    List<String> tokens = new ArrayList<>();
    String llmSpan = null;
    EventCodec codec = new EventCodec();
    for (ConsumerRecord<byte[], byte[]> record :
        TopicReader.readAll(broker.bootstrapServers(), topic, 80, Duration.ofSeconds(30))) {
      String token = live.accept(record);
      if (token != null) {
        tokens.add(token);
        llmSpan = codec.decode(record.value()).spanId();
      }
    }
    assertThat(tokens).hasSize(20);
    assertThat(live.text(llmSpan)).isEqualTo("Hello world");
  }

  @Test
  void consumersValidateBySchemaVersionHeaderAndJsonSchema() {
    EventValidator validator = new EventValidator("1.0", EventSchema.file());
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readAll(broker.bootstrapServers(), topic, 80, Duration.ofSeconds(30));
    for (ConsumerRecord<byte[], byte[]> record : records) {
      String version =
          new String(record.headers().lastHeader("schema_version").value(), StandardCharsets.UTF_8);
      assertThat(validator.problems(version, record.value())).isEmpty();
    }
    assertThat(validator.problems("2.0", records.get(0).value()))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .contains("schema_version 2.0 is not 1.0");
    assertThat(validator.problems("1.0", "{\"event_id\":1}".getBytes(StandardCharsets.UTF_8)))
        .isNotEmpty();
  }

  @Test
  void theDocumentedConfigurationsBuild() throws Exception {
    assertThat(DocSnippets.confluentCloud("KEY", "SECRET").settings())
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(DocSnippets.amazonMskIam().settings())
        .containsEntry("sasl.mechanism", "AWS_MSK_IAM");
    assertThat(
            DocSnippets.azureEventHubs("Endpoint=sb://x/;SharedAccessKeyName=k;SharedAccessKey=v")
                .settings())
        .containsEntry("sasl.mechanism", "PLAIN");
    assertThat(DocSnippets.mutualTls("a", "b").settings())
        .containsEntry("security.protocol", "SSL");
    java.nio.file.Path file = java.nio.file.Files.createTempFile("client", ".properties");
    java.nio.file.Files.writeString(
        file, "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n");
    assertThat(DocSnippets.fromClientProperties(file).settings())
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512");
    java.nio.file.Files.delete(file);
    assertThat(DocSnippets.tuned().toString()).isEqualTo("kafka://broker1:9092/llm_events");
    assertThat(DocSnippets.filtered().sinks()).hasSize(3);
  }

  @Test
  void aPerSinkFilterSendsOnlyTheChosenOperations() {
    EventCodec codec = new EventCodec();
    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readAll(broker.bootstrapServers(), llmOnlyTopic, 40, Duration.ofSeconds(30));
    assertThat(records).hasSize(40);
    assertThat(records).allMatch(r -> codec.decode(r.value()).operation().equals("llm_call"));
  }
}
