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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
  /**
   * Waits until the sink's last error in health names {@code expected}. On a loaded machine the
   * first attempt can fail for a transient reason (a slow handshake); what matters is that health
   * settles on the actionable message while the events wait in the journal.
   */
  private static void healthError(String url, String expected) {
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
          .until(
              () -> {
                String error = streamll.health().sink(name).lastError();
                return error != null && error.contains(expected);
              });
      SinkHealth health = streamll.health().sink(name);
      assertThat(health.delivered()).isZero();
      assertThat(health.lag()).isEqualTo(1);
      assertThat(health.lastError()).doesNotContain("s3cret").doesNotContain("wrong-secret");
    }
  }

  @Test
  void wrongPassword() {
    String url = "redis://:wrong-secret@127.0.0.1:" + secured.port();
    assertThat(startFailure(url))
        .contains("authentication failed: wrong password")
        .contains("redis://:***@127.0.0.1:" + secured.port());
    healthError(url, "authentication failed: wrong password");
  }

  @Test
  void missingPassword() {
    String url = secured.url();
    assertThat(startFailure(url)).contains("the server requires a password");
    healthError(url, "redis://:PASSWORD@");
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
    healthError(url, "is redis-server running?");
  }

  @Test
  void keyOfAnotherType() {
    String key = shared.uniqueKey("wrongtype");
    shared.redis().set(key, "not a stream");
    String url = SharedRedis.URL + "/?stream=" + key;
    assertThat(startFailure(url))
        .contains("key '" + key + "' holds a string, not a stream")
        .contains("option 'stream'");
    healthError(url, "option 'stream'");
  }

  private static EncodedEvent event(String module) {
    return EncodedEvent.of(
        0,
        new StreamllEvent(
            null, null, null, null, null, module, "run", "op", "start", Map.of(), Map.of(), null,
            null, null, null),
        new EventCodec());
  }

  /**
   * A batch that fails part-way is failed whole; its retry writes the entries that had landed again
   * (at-least-once), with the same event_id.
   */
  @Test
  void keyOfAnotherTypeBehindATemplateFailsTheWholeBatch() throws Exception {
    String prefix = shared.uniqueKey("wrongtype-template");
    shared.deleteOnClose(prefix + ":Good");
    shared.deleteOnClose(prefix + ":Test");
    shared.redis().set(prefix + ":Test", "not a stream");
    List<EncodedEvent> batch = List.of(event("Good"), event("Test"));
    try (RedisSink sink =
        RedisSink.create(SharedRedis.URL + "/?stream=" + prefix + ":%7Bmodule_name%7D")) {
      sink.start();
      assertThatThrownBy(() -> sink.write(batch))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("key '" + prefix + ":Test' holds a value of another type")
          .hasMessageContaining("option 'stream'");
      assertThat(shared.redis().xlen(prefix + ":Good")).isEqualTo(1);

      shared.redis().del(prefix + ":Test");
      sink.write(batch);
    }
    assertThat(shared.redis().xlen(prefix + ":Test")).isEqualTo(1);
    assertThat(shared.redis().xlen(prefix + ":Good")).as("duplicate after retry").isEqualTo(2);
  }

  /** A server that accepts connections and never answers: the timeout, not a hang, names it. */
  @Test
  void silentServerTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> accepted = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept());
                  }
                } catch (IOException closed) {
                  accepted.forEach(RedisMisconfigurationTest::closeQuietly);
                }
              },
              "silent-redis");
      acceptor.start();
      String url = "redis://127.0.0.1:" + silent.getLocalPort() + "?timeout=300ms";
      assertThat(startFailure(url)).contains("no reply within 300 ms (option 'timeout')");
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
