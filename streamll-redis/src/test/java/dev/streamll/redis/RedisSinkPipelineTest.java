package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import io.lettuce.core.KillArgs;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several batches in flight on one connection ({@link RedisSink#writeAsync}). The tests run against
 * a redis-server of their own, since they pause it ({@code CLIENT PAUSE … WRITE}, so that replies
 * are held back and batches really are outstanding together) and drop its clients.
 */
class RedisSinkPipelineTest {
  private static final EventCodec CODEC = new EventCodec();

  @TempDir static Path dir;
  private static RedisServerProcess server;
  private static RedisClient adminClient;
  private static StatefulRedisConnection<String, String> adminConnection;

  @BeforeAll
  static void startServer() throws IOException {
    server = RedisServerProcess.start(dir);
    adminClient = RedisClient.create(server.url());
    adminConnection = adminClient.connect();
  }

  @AfterAll
  static void stopServer() {
    adminConnection.close();
    adminClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    server.close();
  }

  /** A test that failed while the server held back writes must not hold up the next one. */
  @AfterEach
  void unpauseServer() {
    unpause();
  }

  private static RedisCommands<String, String> admin() {
    return adminConnection.sync();
  }

  private static String uniqueKey(String prefix) {
    return prefix + ":" + UUID.randomUUID();
  }

  private static List<EncodedEvent> events(String module, int count) {
    List<EncodedEvent> batch = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      batch.add(
          EncodedEvent.of(
              i,
              new StreamllEvent(
                  null,
                  null,
                  null,
                  null,
                  null,
                  module,
                  "run",
                  "llm_call",
                  "token",
                  Map.of("i", i),
                  Map.of(),
                  null,
                  null,
                  null,
                  null),
              CODEC));
    }
    return batch;
  }

  private static List<String> json(List<EncodedEvent> batch) {
    return batch.stream().map(EncodedEvent::jsonString).collect(Collectors.toList());
  }

  /** The {@code event} field of every entry of {@code key}, in stream order. */
  private static List<String> stream(String key) {
    List<String> events = new ArrayList<>();
    String from = "-";
    while (true) {
      List<StreamMessage<String, String>> page =
          admin().xrange(key, Range.create(from, "+"), Limit.from(10_000));
      for (StreamMessage<String, String> message : page) {
        events.add(message.getBody().get("event"));
      }
      if (page.size() < 10_000) {
        return events;
      }
      from = RedisEventSource.next(page.get(page.size() - 1).getId());
    }
  }

  /**
   * Holds back write commands on the server for {@code millis} ({@code CLIENT PAUSE … WRITE}), so
   * XADD replies wait while reads and admin commands such as CLIENT KILL still run.
   */
  private static void pauseWrites(long millis) {
    assertThat(client("PAUSE", Long.toString(millis), "WRITE")).isEqualTo("OK");
  }

  private static void unpause() {
    assertThat(client("UNPAUSE")).isEqualTo("OK");
  }

  private static String client(String... args) {
    CommandArgs<String, String> commandArgs = new CommandArgs<>(StringCodec.UTF8);
    for (String arg : args) {
      commandArgs.add(arg);
    }
    return admin().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), commandArgs);
  }

  /** Ids of the sink's connections ({@code CLIENT SETNAME streamll}). */
  private static List<String> sinkClientIds() {
    return Arrays.stream(admin().clientList().split("\n"))
        .filter(line -> line.contains(" name=streamll "))
        .map(line -> line.substring(line.indexOf("id=") + 3, line.indexOf(' ')))
        .collect(Collectors.toList());
  }

  private static void completesNormally(CompletionStage<Void> stage) throws Exception {
    stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Throwable failure(CompletionStage<Void> stage, long seconds)
      throws InterruptedException, TimeoutException {
    try {
      stage.toCompletableFuture().get(seconds, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the stage completed normally");
  }

  @Test
  void batchesInFlightTogetherArriveInOrderAndEveryStageCompletes() throws Exception {
    String key = uniqueKey("inflight");
    List<List<EncodedEvent>> batches = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int b = 0; b < 8; b++) {
      // 700 events: a full chunk of FLUSH_EVERY and a partial one per batch
      List<EncodedEvent> batch = new ArrayList<>(events("Inflight" + b, 700));
      expected.addAll(json(batch));
      if (b == 3) {
        // not an event: skipped with an error log, the rest of the batch still goes out
        batch.add(350, new EncodedEvent(350, "[1]".getBytes(StandardCharsets.UTF_8), CODEC));
      }
      batches.add(batch);
    }
    try (RedisSink sink = RedisSink.create(server.url() + "/?stream=" + key)) {
      sink.start();
      pauseWrites(30_000);
      List<CompletionStage<Void>> stages = new ArrayList<>();
      for (List<EncodedEvent> batch : batches) {
        stages.add(sink.writeAsync(batch));
      }
      assertThat(stages)
          .as("no reply can arrive while the server holds back writes")
          .noneMatch(stage -> stage.toCompletableFuture().isDone());
      unpause();
      for (CompletionStage<Void> stage : stages) {
        completesNormally(stage);
      }
    }
    assertThat(stream(key)).containsExactlyElementsOf(expected);
  }

  /**
   * A batch whose entries the server refuses fails with the first refused entry's key, in batch
   * order; batches around it, on another key and on the same connection, are unaffected.
   */
  @Test
  void wrongTypeFailsOnlyItsOwnBatchWithItsFirstRefusedKey() throws Exception {
    String prefix = uniqueKey("wrongtype");
    admin().set(prefix + ":Bad", "not a stream");
    admin().rpush(prefix + ":Worse", "not a stream either");
    List<EncodedEvent> before = events("Good", 300);
    List<EncodedEvent> mixed = new ArrayList<>(events("Good", 100));
    mixed.addAll(events("Bad", 1));
    mixed.addAll(events("Good", 50));
    mixed.addAll(events("Worse", 1));
    mixed.addAll(events("Good", 10));
    List<EncodedEvent> after = events("Good", 300);
    List<EncodedEvent> tail = events("Good", 5);
    try (RedisSink sink =
        RedisSink.create(server.url() + "/?stream=" + prefix + ":%7Bmodule_name%7D")) {
      sink.start();
      pauseWrites(30_000);
      CompletionStage<Void> first = sink.writeAsync(before);
      CompletionStage<Void> failing = sink.writeAsync(mixed);
      CompletionStage<Void> last = sink.writeAsync(after);
      List<String> connectionBefore = sinkClientIds();
      assertThat(List.of(first, failing, last))
          .noneMatch(stage -> stage.toCompletableFuture().isDone());
      unpause();

      completesNormally(first);
      assertThat(failure(failing, 30))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("key '" + prefix + ":Bad' holds a value of another type")
          .hasMessageContaining("option 'stream'");
      completesNormally(last);

      // A refusal by the server keeps the connection.
      completesNormally(sink.writeAsync(tail));
      assertThat(sinkClientIds()).hasSize(1).isEqualTo(connectionBefore);
    }
    List<String> expected = new ArrayList<>(json(before));
    expected.addAll(json(mixed.stream().filter(e -> contains(e, "Good")).toList()));
    expected.addAll(json(after));
    expected.addAll(json(tail));
    assertThat(stream(prefix + ":Good")).containsExactlyElementsOf(expected);
    admin().del(prefix + ":Good", prefix + ":Bad", prefix + ":Worse");
  }

  private static boolean contains(EncodedEvent event, String module) {
    return event.jsonString().contains("\"module_name\":\"" + module + "\"");
  }

  /**
   * One batch far larger than the client's request queue, sent while the server holds back replies,
   * then several large ones back to back: writeAsync waits for replies instead of overrunning the
   * queue, and every entry lands.
   */
  @Test
  void batchesLargerThanTheOutstandingBoundComplete() throws Exception {
    assertThat(40_000).isGreaterThan(RedisSettings.REQUEST_QUEUE_SIZE);
    String key = uniqueKey("large");
    List<EncodedEvent> huge = events("Large", 40_000);
    List<EncodedEvent> big = events("Large", 20_000);
    try (RedisSink sink = RedisSink.create(server.url() + "/?stream=" + key)) {
      sink.start();
      // Ends by itself, while writeAsync waits for replies; shorter than the command timeout.
      pauseWrites(3000);
      CompletionStage<Void> hugeStage = sink.writeAsync(huge);
      List<CompletionStage<Void>> stages = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        stages.add(sink.writeAsync(big));
      }
      completesNormally(hugeStage);
      for (CompletionStage<Void> stage : stages) {
        completesNormally(stage);
      }
    }
    List<String> expected = new ArrayList<>(json(huge));
    for (int i = 0; i < 3; i++) {
      expected.addAll(json(big));
    }
    assertThat(stream(key)).containsExactlyElementsOf(expected);
    admin().del(key);
  }

  /**
   * The server drops the sink's connection while three batches await replies: their stages fail
   * promptly (Lettuce fails a dropped connection's commands; nothing waits for the 30 s command
   * timeout), a stage that had completed stays completed, and the next batch goes out on a new
   * connection.
   */
  @Test
  void droppedConnectionFailsOutstandingBatchesAndTheNextBatchReconnects() throws Exception {
    String key = uniqueKey("dropped");
    List<EncodedEvent> confirmed = events("Dropped", 100);
    List<EncodedEvent> afterwards = events("Dropped", 300);
    try (RedisSink sink = RedisSink.create(server.url() + "/?stream=" + key + "&timeout=30s")) {
      sink.start();
      CompletionStage<Void> done = sink.writeAsync(confirmed);
      completesNormally(done);
      List<String> connectionBefore = sinkClientIds();
      assertThat(connectionBefore).hasSize(1);

      pauseWrites(30_000);
      List<CompletionStage<Void>> outstanding = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        outstanding.add(sink.writeAsync(events("Dropped", 1000)));
      }
      assertThat(outstanding).noneMatch(stage -> stage.toCompletableFuture().isDone());
      assertThat(admin().clientKill(KillArgs.Builder.typeNormal().skipme())).isEqualTo(1);
      for (CompletionStage<Void> stage : outstanding) {
        assertThat(failure(stage, 10))
            .isInstanceOf(SinkException.class)
            .hasMessageContaining("the server went away or dropped the client");
      }
      assertThat(done.toCompletableFuture().isCompletedExceptionally()).isFalse();
      unpause();

      completesNormally(sink.writeAsync(afterwards));
      List<String> connectionAfter = sinkClientIds();
      assertThat(connectionAfter).hasSize(1).doesNotContainAnyElementsOf(connectionBefore);
    }
    List<String> entries = stream(key);
    assertThat(entries.subList(0, 100)).containsExactlyElementsOf(json(confirmed));
    assertThat(entries.subList(entries.size() - 300, entries.size()))
        .containsExactlyElementsOf(json(afterwards));
    admin().del(key);
  }

  /**
   * Replies held back past the command timeout: the batch fails naming the timeout instead of
   * hanging or overrunning the request queue, and the next batch goes out on a new connection.
   */
  @Test
  void timedOutRepliesFailTheBatchAndTheNextBatchReconnects() throws Exception {
    String key = uniqueKey("timeout");
    List<EncodedEvent> afterwards = events("Timeout", 100);
    try (RedisSink sink = RedisSink.create(server.url() + "/?stream=" + key + "&timeout=300ms")) {
      sink.start();
      List<String> connectionBefore = sinkClientIds();
      pauseWrites(2000);
      CompletionStage<Void> stage = sink.writeAsync(events("Timeout", 40_000));
      assertThat(failure(stage, 10))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("no reply within 300 ms (option 'timeout')");
      unpause();

      completesNormally(sink.writeAsync(afterwards));
      assertThat(sinkClientIds()).hasSize(1).doesNotContainAnyElementsOf(connectionBefore);
    }
    List<String> entries = stream(key);
    assertThat(entries.subList(entries.size() - 100, entries.size()))
        .containsExactlyElementsOf(json(afterwards));
    admin().del(key);
  }

  /** writeAsync waiting for older replies gives up when interrupted (the forwarder's timeout). */
  @Test
  void waitingForOlderRepliesIsInterruptible() throws Exception {
    String key = uniqueKey("interrupt");
    List<EncodedEvent> afterwards = events("Interrupt", 100);
    try (RedisSink sink = RedisSink.create(server.url() + "/?stream=" + key + "&timeout=30s")) {
      sink.start();
      pauseWrites(30_000);
      AtomicReference<Throwable> thrown = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  sink.writeAsync(events("Interrupt", 40_000));
                } catch (Throwable t) {
                  thrown.set(t);
                }
              },
              "writer");
      writer.start();
      await("writer waits for replies")
          .atMost(Duration.ofSeconds(10))
          .until(() -> writer.getState() == Thread.State.TIMED_WAITING);
      writer.interrupt();
      writer.join(10_000);
      assertThat(writer.isAlive()).isFalse();
      assertThat(thrown.get()).isInstanceOf(InterruptedException.class);
      unpause();

      completesNormally(sink.writeAsync(afterwards));
    }
    List<String> entries = stream(key);
    assertThat(entries.subList(entries.size() - 100, entries.size()))
        .containsExactlyElementsOf(json(afterwards));
    admin().del(key);
  }

  @Test
  void anEmptyBatchCompletesAtOnce() throws Exception {
    try (RedisSink sink = RedisSink.create(server.url() + "/?stream=" + uniqueKey("empty"))) {
      sink.start();
      CompletableFuture<Void> stage = sink.writeAsync(List.of()).toCompletableFuture();
      assertThat(stage).isCompleted();
      assertThat(stage.isCompletedExceptionally()).isFalse();
    }
  }
}
