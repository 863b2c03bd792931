package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.SinkConfig;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.redis.examples.DashboardConsumer;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import dev.streamll.testing.EventSchema;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Events through a real {@link Streamll} instance into the shared Redis, and back out. */
class RedisSinkRoundTripTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SharedRedis shared = new SharedRedis();

  @AfterEach
  void deleteKeys() {
    shared.close();
  }

  private static Streamll streamll(String url) {
    return Streamll.create(
        StreamllConfig.builder()
            .sink(SinkConfig.of(url))
            .inMemoryJournal()
            .startTimeout(Duration.ofSeconds(60))
            .build());
  }

  /** Emits {@code executions} LLM calls of three tokens each: 5 events per execution. */
  private static List<String> emitCalls(Streamll streamll, String module, int executions) {
    List<String> executionIds = new ArrayList<>();
    for (int i = 0; i < executions; i++) {
      try (Span span = streamll.span("llm_call").module(module).data("i", i).start()) {
        span.token("Hello").token(", ").token("world");
        executionIds.add(span.executionId());
      }
    }
    return executionIds;
  }

  private List<StreamMessage<String, String>> xrange(String key) {
    return shared.redis().xrange(key, Range.create("-", "+"));
  }

  @Test
  void everyEventArrivesOnceWithItsLabelsAndPassesTheSchema() throws Exception {
    String key = shared.uniqueKey("roundtrip");
    List<JsonNode> live = new CopyOnWriteArrayList<>();
    CountDownLatch consumerDone = new CountDownLatch(1);
    DashboardConsumer consumer = new DashboardConsumer(SharedRedis.URL, key, "0-0");
    Thread consumerThread =
        new Thread(
            () -> {
              consumer.run(live::add);
              consumerDone.countDown();
            },
            "xread-consumer");
    consumerThread.start();

    int executions = 400;
    try (Streamll streamll = streamll(SharedRedis.URL + "/?stream=" + key)) {
      emitCalls(streamll, "ChatBot", executions);
      assertThat(streamll.flush(Duration.ofSeconds(20)).complete()).isTrue();
      assertThat(streamll.health().sink("redis://127.0.0.1:6379/0/" + key).delivered())
          .isEqualTo(executions * 5L);
    }

    List<StreamMessage<String, String>> entries = xrange(key);
    assertThat(entries).hasSize(executions * 5);
    List<String> eventIds = new ArrayList<>();
    for (StreamMessage<String, String> entry : entries) {
      Map<String, String> body = entry.getBody();
      assertThat(body).containsOnlyKeys("event", "event_type", "module_name");
      EventSchema.assertValid(body.get("event"));
      JsonNode event = JSON.readTree(body.get("event"));
      assertThat(body.get("event_type")).isEqualTo(event.get("event_type").asText());
      assertThat(body.get("module_name")).isEqualTo("ChatBot");
      eventIds.add(event.get("event_id").asText());
    }
    assertThat(eventIds).doesNotHaveDuplicates();
    assertThat(entries.stream().map(e -> e.getBody().get("event_type")).distinct())
        .containsExactlyInAnyOrder("start", "token", "end");

    await("XREAD consumer sees every event")
        .atMost(Duration.ofSeconds(10))
        .until(() -> live.size() >= eventIds.size());
    consumer.close();
    assertThat(consumerDone.await(5, TimeUnit.SECONDS)).isTrue();
    List<String> liveIds = new ArrayList<>();
    for (JsonNode event : live) {
      EventSchema.assertValid(JSON.writeValueAsString(event));
      liveIds.add(event.get("event_id").asText());
    }
    assertThat(liveIds).containsExactlyElementsOf(eventIds);
  }

  @Test
  void templateRoutesEventsToAStreamPerModuleAndType() {
    String prefix = shared.uniqueKey("template");
    String template = prefix + ":%7Bmodule_name%7D:%7Bevent_type%7D";
    for (String module : List.of("Retriever", "Writer")) {
      for (String type : List.of("start", "token", "end")) {
        shared.deleteOnClose(prefix + ":" + module + ":" + type);
      }
    }
    try (Streamll streamll = streamll(SharedRedis.URL + "/?stream=" + template)) {
      emitCalls(streamll, "Retriever", 10);
      emitCalls(streamll, "Writer", 20);
      assertThat(streamll.flush(Duration.ofSeconds(20)).complete()).isTrue();
    }
    assertThat(shared.redis().xlen(prefix + ":Retriever:start")).isEqualTo(10);
    assertThat(shared.redis().xlen(prefix + ":Retriever:token")).isEqualTo(30);
    assertThat(shared.redis().xlen(prefix + ":Writer:end")).isEqualTo(20);
    for (StreamMessage<String, String> entry : xrange(prefix + ":Writer:token")) {
      assertThat(entry.getBody().get("event")).contains("\"module_name\":\"Writer\"");
      assertThat(entry.getBody().get("event_type")).isEqualTo("token");
    }
  }

  @Test
  void maxlenTrimsApproximately() {
    String key = shared.uniqueKey("maxlen");
    try (Streamll streamll = streamll(SharedRedis.URL + "/?maxlen=100&stream=" + key)) {
      emitCalls(streamll, "ChatBot", 1000);
      assertThat(streamll.flush(Duration.ofSeconds(20)).complete()).isTrue();
    }
    // MAXLEN ~ trims whole radix-tree nodes (100 entries each by default), so a little more stays.
    assertThat(shared.redis().xlen(key)).isBetween(100L, 300L);
  }

  private static EventSource openSource(String url) {
    SinkUrl parsed = SinkUrl.parse(url);
    for (EventSourceProvider provider : ServiceLoader.load(EventSourceProvider.class)) {
      if (provider.schemes().contains(parsed.scheme())) {
        return provider.open(parsed);
      }
    }
    throw new AssertionError("no EventSourceProvider for " + url);
  }

  @Test
  void sourceReadsTheStreamBackAndFollowsIt_andReplayWritesItToAnotherStream() throws Exception {
    String key = shared.uniqueKey("source");
    String copy = shared.uniqueKey("replayed");
    try (Streamll streamll = streamll(SharedRedis.URL + "/?stream=" + key)) {
      emitCalls(streamll, "ChatBot", 250); // 1,250 events: more than one XRANGE page
      assertThat(streamll.flush(Duration.ofSeconds(20)).complete()).isTrue();

      List<EncodedEvent> read = new ArrayList<>();
      try (EventSource source = openSource(SharedRedis.URL + "/" + key)) {
        assertThat(source.name()).isEqualTo("redis://127.0.0.1:6379/0/" + key);
        source.read(false, read::add);
      }
      assertThat(read).hasSize(1250);
      List<String> written = new ArrayList<>();
      xrange(key).forEach(e -> written.add(e.getBody().get("event")));
      assertThat(read.stream().map(EncodedEvent::jsonString)).containsExactlyElementsOf(written);
      assertThat(read.get(0).event().moduleName()).isEqualTo("ChatBot");

      // streamll replay … --to redis://…: the sink resolved from the URL takes the events as read.
      try (RedisSink target = RedisSink.create(SharedRedis.URL + "/" + copy)) {
        target.start();
        target.write(read);
      }
      List<String> replayed = new ArrayList<>();
      xrange(copy).forEach(e -> replayed.add(e.getBody().get("event")));
      assertThat(replayed).containsExactlyElementsOf(written);

      // tail --follow: catches up, then receives events emitted later.
      List<StreamllEvent> followed = new CopyOnWriteArrayList<>();
      try (EventSource source = openSource(SharedRedis.URL + "/" + key)) {
        Thread tail =
            new Thread(
                () ->
                    source.read(
                        true,
                        event -> {
                          followed.add(event.event());
                          return followed.size() < 1250 + 50;
                        }),
                "tail");
        tail.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> followed.size() >= 1250);
        emitCalls(streamll, "Later", 10);
        tail.join(10_000);
        assertThat(tail.isAlive()).isFalse();
      }
      assertThat(followed).hasSize(1300);
      assertThat(followed.subList(1250, 1300)).allMatch(e -> e.moduleName().equals("Later"));
    }
  }

  @Test
  void closingTheSourceEndsAFollowingRead() throws Exception {
    String key = shared.uniqueKey("close");
    EventSource source = openSource(SharedRedis.URL + "/" + key);
    Thread tail = new Thread(() -> source.read(true, event -> true), "tail");
    tail.start();
    await().atMost(Duration.ofSeconds(5)).until(() -> tail.getState() != Thread.State.RUNNABLE);
    source.close();
    tail.join(5_000);
    assertThat(tail.isAlive()).isFalse();
  }
}
