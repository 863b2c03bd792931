package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.FlushResult;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import dev.streamll.testing.CollectingSink;
import dev.streamll.testing.EventSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The sink and source against a real broker that does not create topics on first use. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KafkaSinkTest {
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.start(
            EmbeddedKafkaBroker.tempDir("streamll-kafka-sink"),
            Map.of("auto.create.topics.enable", "false"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  private static String url(String topic) {
    return "kafka://" + broker.bootstrapServers() + "/" + topic;
  }

  @Test
  void everyEventArrivesInOrderPerExecutionWithKeyHeadersAndValidJson() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("roundtrip");
    broker.createTopic(topic, 6, Map.of());
    CollectingSink journalOrder = new CollectingSink("journal-order");
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(url(topic))
                .sink(journalOrder)
                .build())) {
      ExecutorService threads = Executors.newFixedThreadPool(4);
      List<Future<?>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(threads.submit(() -> runPipelines(streamll, 25)));
      }
      for (Future<?> run : runs) {
        run.get(60, TimeUnit.SECONDS);
      }
      threads.shutdown();
      FlushResult flushed = streamll.flush(Duration.ofSeconds(60));
      assertThat(flushed.complete()).as("flush %s", flushed).isTrue();
    }
    List<EncodedEvent> emitted = journalOrder.confirmed();
    assertThat(emitted).hasSize(100 * 12);

    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readAll(
            broker.bootstrapServers(), topic, emitted.size(), Duration.ofSeconds(30));
    assertThat(records).hasSizeGreaterThanOrEqualTo(emitted.size());

    EventCodec codec = new EventCodec();
    Map<String, List<String>> consumedByExecution = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    int duplicates = 0;
    for (ConsumerRecord<byte[], byte[]> record : records) {
      EventSchema.assertValid(record.value());
      StreamllEvent event = codec.decode(record.value());
      assertThat(utf8(record.key())).isEqualTo(event.executionId());
      assertThat(header(record, "event_type")).isEqualTo(event.eventType());
      assertThat(header(record, "module_name")).isEqualTo(event.moduleName());
      assertThat(header(record, "schema_version")).isEqualTo("1.0");
      if (!seen.add(event.eventId())) {
        // At-least-once: a retried batch may repeat events; their first deliveries count.
        duplicates++;
        continue;
      }
      consumedByExecution
          .computeIfAbsent(event.executionId(), k -> new ArrayList<>())
          .add(event.eventId());
    }
    Map<String, List<String>> emittedByExecution = new LinkedHashMap<>();
    for (EncodedEvent event : emitted) {
      emittedByExecution
          .computeIfAbsent(event.event().executionId(), k -> new ArrayList<>())
          .add(event.event().eventId());
    }
    System.out.printf(
        "KafkaSinkTest round trip: emitted=%d received=%d duplicates=%d%n",
        emitted.size(), records.size(), duplicates);
    assertThat(consumedByExecution).hasSize(100);
    assertThat(consumedByExecution).isEqualTo(emittedByExecution);
  }

  /** Each pipeline: a module span holding a retrieval and a streamed LLM call: 12 events. */
  private static Void runPipelines(Streamll streamll, int count) {
    for (int i = 0; i < count; i++) {
      try (Span forward = streamll.span("module_forward").module("rag").start()) {
        try (Span retrieve = streamll.trace("retrieve")) {
          retrieve.set("documents", 3);
        }
        try (Span llm = streamll.span("llm_call").data("gen_ai.request.model", "m").start()) {
          for (String token : List.of("The", " answer", " is", " 42", ".")) {
            llm.token(token);
          }
          llm.set("gen_ai.usage.input_tokens", 17).set("gen_ai.usage.output_tokens", 5);
        }
        forward.emit("checkpoint", Map.of("step", i));
      }
    }
    return null;
  }

  @Test
  void tailReadsTheTopicFromTheBeginningAndFollowsNewEvents() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("tail");
    broker.createTopic(topic, 3, Map.of());
    EventCodec codec = new EventCodec();
    KafkaSink sink =
        KafkaSink.builder().bootstrapServers(broker.bootstrapServers()).topic(topic).build();
    sink.start();
    List<EncodedEvent> first = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      first.add(EncodedEvent.of(i, event("exec-" + (i % 3), "e" + i), codec));
    }
    sink.write(first);

    EventSource source = openSource(url(topic) + "?producer.acks=1&consumer.max.poll.records=10");
    List<String> read = new ArrayList<>();
    source.read(false, e -> read.add(e.event().data().get("n").toString()));
    assertThat(read).hasSize(30);

    List<String> followed = new CopyOnWriteArrayList<>();
    Thread follower =
        new Thread(
            () ->
                source.read(
                    true,
                    e -> {
                      followed.add(e.event().data().get("n").toString());
                      return true;
                    }));
    follower.start();
    sink.write(List.of(EncodedEvent.of(30, event("exec-0", "e30"), codec)));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> followed.contains("e30"));
    source.close();
    follower.join(10_000);
    assertThat(follower.isAlive()).as("follow stops on close").isFalse();
    assertThat(followed).hasSize(31);
    sink.close();
  }

  /** Opens a source the way the CLI does: through the providers on the classpath. */
  static EventSource openSource(String url) {
    SinkUrl parsed = SinkUrl.parse(url);
    for (EventSourceProvider provider : ServiceLoader.load(EventSourceProvider.class)) {
      if (provider.schemes().contains(parsed.scheme())) {
        return provider.open(parsed);
      }
    }
    throw new AssertionError("no EventSourceProvider for " + url);
  }

  private static StreamllEvent event(String executionId, String n) {
    return StreamllEvent.builder()
        .executionId(executionId)
        .moduleName("test")
        .operation("llm_call")
        .eventType("token")
        .data("n", n)
        .build();
  }

  @Test
  void aMissingTopicIsReportedWithTheBrokerSettingAndTheFix() {
    String topic = EmbeddedKafkaBroker.uniqueTopic("missing");
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(broker.bootstrapServers())
            .topic(topic)
            .property("max.block.ms", "1500")
            .build();
    assertThatThrownBy(sink::start)
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("topic '" + topic + "' does not exist")
        .hasMessageContaining("auto.create.topics.enable=false")
        .hasMessageContaining("kafka-topics.sh");
    sink.close();

    assertThatThrownBy(
            () ->
                Streamll.create(
                    StreamllConfig.builder()
                        .inMemoryJournal()
                        .sink(url(topic) + "?producer.max.block.ms=1500")
                        .build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("auto.create.topics.enable=false");
  }

  @Test
  void anUnreachableBrokerIsReportedWithBootstrapServers() {
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers("localhost:1")
            .topic("t")
            .property("max.block.ms", "1000")
            .build();
    assertThatThrownBy(sink::start)
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("cannot reach Kafka at bootstrap.servers localhost:1");
    sink.close();
  }

  @Test
  void anEventOverMaxRequestSizeFailsTheBatchNamingTheSetting() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("too-large-client");
    broker.createTopic(topic, 1, Map.of());
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(broker.bootstrapServers())
            .topic(topic)
            .property("max.request.size", "10000")
            .build();
    sink.start();
    EventCodec codec = new EventCodec();
    List<EncodedEvent> batch =
        List.of(
            EncodedEvent.of(0, event("x", "small"), codec),
            EncodedEvent.of(1, event("x", "y".repeat(20_000)), codec));
    assertThatThrownBy(() -> sink.write(batch))
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("max.request.size (10000 bytes)")
        .hasMessageContaining("maxPayloadBytes");
    // The sink keeps working for events that fit.
    sink.write(List.of(EncodedEvent.of(2, event("x", "fits"), codec)));
    sink.close();
  }

  @Test
  void anEventOverTheTopicsMaxMessageBytesFailsTheBatchNamingTheSetting() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("too-large-broker");
    broker.createTopic(topic, 1, Map.of("max.message.bytes", "2000"));
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(broker.bootstrapServers())
            .topic(topic)
            .property("compression.type", "none")
            .build();
    sink.start();
    EventCodec codec = new EventCodec();
    assertThatThrownBy(
            () -> sink.write(List.of(EncodedEvent.of(0, event("x", "z".repeat(5_000)), codec))))
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("max.message.bytes")
        .hasMessageContaining("message.max.bytes");
    sink.close();
  }

  @Test
  void batchesInFlightTogetherAllArriveInOrderPerExecutionAndEveryStageCompletes()
      throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("in-flight");
    broker.createTopic(topic, 6, Map.of());
    // linger.ms 3 s and room for every record in one producer batch per partition: nothing is
    // shipped, so no stage can complete, before the last batch was handed over.
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(broker.bootstrapServers())
            .topic(topic)
            .property("linger.ms", "3000")
            .property("batch.size", String.valueOf(1 << 20))
            .property("delivery.timeout.ms", "20000")
            .build();
    sink.start();
    EventCodec codec = new EventCodec();
    int batches = 8;
    int perBatch = 250;
    int executions = 20;
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    Map<String, List<String>> sentByExecution = new LinkedHashMap<>();
    for (int b = 0; b < batches; b++) {
      List<EncodedEvent> batch = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        int n = b * perBatch + i;
        String execution = "exec-" + (n % executions);
        batch.add(EncodedEvent.of(n, event(execution, String.valueOf(n)), codec));
        sentByExecution.computeIfAbsent(execution, k -> new ArrayList<>()).add(String.valueOf(n));
      }
      stages.add(sink.writeAsync(batch).toCompletableFuture());
    }
    assertThat(stages).as("outstanding together").noneMatch(CompletableFuture::isDone);

    CompletableFuture.allOf(stages.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    assertThat(stages).allMatch(stage -> stage.isDone() && !stage.isCompletedExceptionally());
    sink.close();

    List<ConsumerRecord<byte[], byte[]>> records =
        TopicReader.readAll(
            broker.bootstrapServers(), topic, batches * perBatch, Duration.ofSeconds(30));
    Map<String, List<String>> consumedByExecution = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record : records) {
      StreamllEvent event = codec.decode(record.value());
      assertThat(utf8(record.key())).isEqualTo(event.executionId());
      consumedByExecution
          .computeIfAbsent(event.executionId(), k -> new ArrayList<>())
          .add(event.data().get("n").toString());
    }
    assertThat(records).hasSize(batches * perBatch);
    assertThat(consumedByExecution).isEqualTo(sentByExecution);
  }

  @Test
  void aRecordTooLargeFailsOnlyItsOwnBatchAmongThoseInFlight() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("too-large-in-flight");
    broker.createTopic(topic, 1, Map.of());
    KafkaSink sink =
        KafkaSink.builder()
            .bootstrapServers(broker.bootstrapServers())
            .topic(topic)
            .property("max.request.size", "10000")
            .property("linger.ms", "500")
            .build();
    sink.start();
    EventCodec codec = new EventCodec();
    CompletableFuture<Void> before =
        sink.writeAsync(List.of(EncodedEvent.of(0, event("x", "before"), codec)))
            .toCompletableFuture();
    CompletableFuture<Void> tooLarge =
        sink.writeAsync(
                List.of(
                    EncodedEvent.of(1, event("x", "small"), codec),
                    EncodedEvent.of(2, event("x", "y".repeat(20_000)), codec),
                    EncodedEvent.of(3, event("x", "after the large one"), codec)))
            .toCompletableFuture();
    CompletableFuture<Void> after =
        sink.writeAsync(List.of(EncodedEvent.of(4, event("x", "after"), codec)))
            .toCompletableFuture();

    assertThatThrownBy(() -> tooLarge.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("max.request.size (10000 bytes)")
        .hasMessageContaining("maxPayloadBytes");
    before.get(30, TimeUnit.SECONDS);
    after.get(30, TimeUnit.SECONDS);
    sink.close();
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : utf8(header.value());
  }

  private static String utf8(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
