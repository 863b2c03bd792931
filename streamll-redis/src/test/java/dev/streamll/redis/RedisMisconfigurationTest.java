package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.SinkHealth;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Wrong password, missing password, wrong port and a key of the wrong type: each fails {@code
 * Streamll.create} with a message naming the setting, and shows up the same way in health when the
 * instance was allowed to start without the sink.
 */
class RedisMisconfigurationTest {
  @TempDir static Path dir;
  private static RedisServerProcess secured;

  private final SharedRedis shared = new SharedRedis();

  @BeforeAll
  static void startServerWithPassword() throws IOException {
    secured = RedisServerProcess.start(dir, "--requirepass", "s3cret");
  }

  @AfterAll
  static void stopServer() {
    secured.close();
  }

  @AfterEach
  void deleteKeys() {
    shared.close();
  }

  /** The message {@code Streamll.create} fails with when the sink is checked at start. */
  private static String startFailure(String url) {
    Throwable failure =
        catchStart(
            () ->
                Streamll.create(
                    StreamllConfig.builder()
                        .inMemoryJournal()
                        .sink(url)
                        .checkSinksAtStart(true)
                        .startTimeout(Duration.ofSeconds(60))
                        .build()));
    assertThat(failure).isInstanceOf(IllegalStateException.class);
    assertThat(failure.getMessage()).doesNotContain("s3cret").doesNotContain("wrong-secret");
    return failure.getMessage();
  }

  private static Throwable catchStart(Runnable start) {
    try {
      start.run();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("Streamll.create succeeded although the sink is misconfigured");
  }

  /** The error health reports once the forwarder tried to deliver an event. */
  private static String healthError(String url) {
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(SinkConfig.of(url))
                .checkSinksAtStart(false)
                .closeTimeout(Duration.ofMillis(100))
                .build())) {
      streamll.emit(
          new StreamllEvent(
              null, null, null, null, null, "Test", "run", "op", "start", Map.of(), Map.of(), null,
              null, null, null));
      String name = streamll.health().sinks().get(0).name();
      await("lastError in health")
          .atMost(Duration.ofSeconds(15))
          .until(() -> streamll.health().sink(name).lastError() != null);
      SinkHealth health = streamll.health().sink(name);
      assertThat(health.delivered()).isZero();
      assertThat(health.lag()).isEqualTo(1);
      assertThat(health.lastError()).doesNotContain("s3cret").doesNotContain("wrong-secret");
      return health.lastError();
    }
  }

  @Test
  void wrongPassword() {
    String url = "redis://:wrong-secret@127.0.0.1:" + secured.port();
    assertThat(startFailure(url))
        .contains("authentication failed: wrong password")
        .contains("redis://:***@127.0.0.1:" + secured.port());
    assertThat(healthError(url)).contains("authentication failed: wrong password");
  }

  @Test
  void missingPassword() {
    String url = secured.url();
    assertThat(startFailure(url)).contains("the server requires a password");
    assertThat(healthError(url)).contains("redis://:PASSWORD@");
  }

  @Test
  void rightPasswordWorks() {
    String key = "streamll-test-auth";
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink("redis://:s3cret@127.0.0.1:" + secured.port() + "/" + key)
                .startTimeout(Duration.ofSeconds(60))
                .build())) {
      streamll.trace("llm_call").close();
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
    }
  }

  @Test
  void wrongPort() throws IOException {
    String url = "redis://127.0.0.1:" + RedisServerProcess.freePort();
    assertThat(startFailure(url))
        .contains("connection refused")
        .contains("is redis-server running?")
        .contains("host and port");
    assertThat(healthError(url)).contains("is redis-server running?");
  }

  @Test
  void keyOfAnotherType() {
    String key = shared.uniqueKey("wrongtype");
    shared.redis().set(key, "not a stream");
    String url = SharedRedis.URL + "/?stream=" + key;
    assertThat(startFailure(url))
        .contains("key '" + key + "' holds a string, not a stream")
        .contains("option 'stream'");
    assertThat(healthError(url)).contains("option 'stream'");
  }

  @Test
  void keyOfAnotherTypeBehindATemplateFailsTheWrite() {
    String prefix = shared.uniqueKey("wrongtype-template");
    shared.redis().set(prefix + ":Test", "not a stream");
    RedisSink sink =
        RedisSink.create(SharedRedis.URL + "/?stream=" + prefix + ":%7Bmodule_name%7D");
    try {
      sink.start();
      EncodedEvent event =
          EncodedEvent.of(
              0,
              new StreamllEvent(
                  null, null, null, null, null, "Test", "run", "op", "start", Map.of(), Map.of(),
                  null, null, null, null),
              new EventCodec());
      assertThatThrownBy(() -> sink.write(List.of(event)))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("key '" + prefix + ":Test' holds a value of another type")
          .hasMessageContaining("option 'stream'");
    } finally {
      sink.close();
    }
  }
}
