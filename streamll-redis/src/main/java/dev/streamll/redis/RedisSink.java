package dev.streamll.redis;

import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.SinkUrl;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes events to a Redis stream. Each event becomes one entry with the fields {@code event} (the
 * wire JSON, unchanged from the journal), {@code event_type} and {@code module_name} (for
 * server-side filtering):
 *
 * <pre>
 * XADD streamll_events [MAXLEN ~ N] * event {"event_id":…} event_type token module_name ChatBot
 * </pre>
 *
 * <p>A batch is written as pipelined {@code XADD}s on one connection with auto-flush off — flushed
 * every {@value #FLUSH_EVERY} commands so the connection writes while the batch is still being
 * built, with at most {@value #MAX_IN_FLIGHT} commands awaiting replies — and {@link #write}
 * returns only when every reply has arrived. Any error fails the whole batch, which the forwarder
 * retries whole: entries that did land are then written again (at-least-once; consumers deduplicate
 * by {@code event_id}).
 *
 * <p>The connection does not reconnect or queue by itself (see {@link RedisSettings}); a write
 * after a lost connection opens a new one, so an outage shows up as failed writes, which open the
 * forwarder's circuit while events wait in the journal.
 */
public final class RedisSink implements Sink {
  private static final Logger log = LoggerFactory.getLogger(RedisSink.class);

  /** Commands per flush. */
  static final int FLUSH_EVERY = 512;

  /** Unanswered commands at most; stays below the client's request queue bound. */
  static final int MAX_IN_FLIGHT = 8192;

  static final byte[] FIELD_EVENT = bytes("event");
  static final byte[] FIELD_EVENT_TYPE = bytes("event_type");
  static final byte[] FIELD_MODULE_NAME = bytes("module_name");

  private final RedisSettings settings;
  private final RedisErrors errors;
  private final StreamKey streamKey;
  private final XAddArgs xaddArgs;
  private final long replyWaitNanos;

  private volatile RedisClient client;
  private volatile StatefulRedisConnection<byte[], byte[]> connection;
  private volatile boolean closed;

  RedisSink(RedisSettings settings) {
    this.settings = settings;
    this.errors = new RedisErrors(settings);
    this.streamKey = settings.streamKey();
    this.xaddArgs = new XAddArgs();
    if (settings.maxlen() > 0) {
      xaddArgs.maxlen(settings.maxlen()).approximateTrimming();
    }
    // Lettuce times out each command itself; this outer bound only guards against a reply that
    // never completes its future at all.
    this.replyWaitNanos = settings.timeout().plus(Duration.ofSeconds(1)).toNanos();
  }

  /**
   * A sink for a {@code redis://} or {@code rediss://} URL (see {@link RedisSettings} for the
   * options); connects on {@link #start()}.
   *
   * @throws IllegalArgumentException when the URL or an option is invalid, naming it
   */
  public static RedisSink create(String url) {
    return new RedisSink(RedisSettings.parse(SinkUrl.parse(url)));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public String name() {
    return settings.name();
  }

  /**
   * Connects, authenticates and, for a fixed key, checks that the key is a stream or absent, so a
   * wrong password, port or key type is reported before the first batch.
   */
  @Override
  public void start() {
    StatefulRedisConnection<byte[], byte[]> c = connection();
    String key = keyForMessages();
    try {
      RedisFuture<String> check =
          streamKey.isTemplate() ? c.async().ping() : c.async().type(bytes(key));
      c.flushCommands();
      String reply = check.get(replyWaitNanos, TimeUnit.NANOSECONDS);
      if (!streamKey.isTemplate() && !reply.equals("none") && !reply.equals("stream")) {
        throw new SinkException(
            settings.redacted()
                + ": key '"
                + key
                + "' holds a "
                + reply
                + ", not a stream; choose a different key with option 'stream' (e.g."
                + " ?stream=streamll_events) or delete that key");
      }
    } catch (ExecutionException e) {
      throw failed(c, e.getCause(), key);
    } catch (TimeoutException e) {
      throw failed(c, new RedisCommandTimeoutException("start-up check timed out"), key);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkException(settings.redacted() + ": interrupted while connecting", e);
    }
  }

  @Override
  public void write(List<EncodedEvent> batch) throws InterruptedException {
    StatefulRedisConnection<byte[], byte[]> c = connection();
    RedisAsyncCommands<byte[], byte[]> commands = c.async();
    List<RedisFuture<String>> replies = new ArrayList<>(batch.size());
    List<byte[]> keys = new ArrayList<>(batch.size());
    int awaited = 0;
    for (EncodedEvent event : batch) {
      EventLabels labels;
      try {
        labels = EventLabels.of(event.json());
      } catch (IllegalArgumentException e) {
        log.error(
            "journal record {} is not an event and is not sent to {}: {}",
            event.sequence(),
            name(),
            e.getMessage());
        continue;
      }
      byte[] key = streamKey.keyFor(labels.moduleName(), labels.eventType());
      keys.add(key);
      replies.add(
          commands.xadd(
              key,
              xaddArgs,
              FIELD_EVENT,
              event.json(),
              FIELD_EVENT_TYPE,
              bytes(labels.eventType()),
              FIELD_MODULE_NAME,
              bytes(labels.moduleName())));
      if (replies.size() % FLUSH_EVERY == 0) {
        c.flushCommands();
        if (replies.size() - awaited >= MAX_IN_FLIGHT) {
          awaited = await(c, replies, keys, awaited, replies.size() - MAX_IN_FLIGHT / 2);
        }
      }
    }
    c.flushCommands();
    await(c, replies, keys, awaited, replies.size());
  }

  /** Waits for replies {@code from} (inclusive) to {@code to} (exclusive); returns {@code to}. */
  private int await(
      StatefulRedisConnection<byte[], byte[]> c,
      List<RedisFuture<String>> replies,
      List<byte[]> keys,
      int from,
      int to)
      throws InterruptedException {
    if (to <= from) {
      return to;
    }
    // Replies on one connection complete in order: waiting for the last one first costs one
    // wake-up per wait instead of one per reply. A failure here is reported in order below.
    try {
      replies.get(to - 1).get(replyWaitNanos, TimeUnit.NANOSECONDS);
    } catch (ExecutionException inOrderBelow) {
      // the loop below finds the first failed reply and reports it
    } catch (TimeoutException e) {
      throw failed(
          c,
          new RedisCommandTimeoutException("XADD reply did not arrive"),
          new String(keys.get(to - 1), StandardCharsets.UTF_8));
    }
    for (int i = from; i < to; i++) {
      try {
        replies.get(i).get(replyWaitNanos, TimeUnit.NANOSECONDS);
      } catch (ExecutionException e) {
        throw failed(c, e.getCause(), new String(keys.get(i), StandardCharsets.UTF_8));
      } catch (TimeoutException e) {
        throw failed(
            c,
            new RedisCommandTimeoutException("XADD reply did not arrive"),
            new String(keys.get(i), StandardCharsets.UTF_8));
      }
    }
    return to;
  }

  /**
   * Translates {@code error}; unless the server merely refused a command, the connection is closed
   * so the next write starts on a fresh one instead of behind unanswered commands.
   */
  private SinkException failed(
      StatefulRedisConnection<byte[], byte[]> c, Throwable error, String key) {
    if (!(error instanceof RedisCommandExecutionException)) {
      discard(c);
    }
    return errors.translate(error, key);
  }

  private synchronized void discard(StatefulRedisConnection<byte[], byte[]> c) {
    if (connection == c) {
      connection = null;
      c.closeAsync();
    }
  }

  private String keyForMessages() {
    return streamKey.isTemplate() ? streamKey.template() : streamKey.fixedKey();
  }

  private synchronized StatefulRedisConnection<byte[], byte[]> connection() {
    if (closed) {
      throw new SinkException(settings.redacted() + ": sink is closed");
    }
    StatefulRedisConnection<byte[], byte[]> c = connection;
    if (c != null && c.isOpen()) {
      return c;
    }
    if (c != null) {
      c.closeAsync();
      connection = null;
    }
    if (client == null) {
      client = settings.newClient();
    }
    try {
      c = client.connect(ByteArrayCodec.INSTANCE);
    } catch (RuntimeException e) {
      throw errors.translate(e, keyForMessages());
    }
    c.setAutoFlushCommands(false);
    connection = c;
    return c;
  }

  @Override
  public synchronized void close() {
    closed = true;
    StatefulRedisConnection<byte[], byte[]> c = connection;
    connection = null;
    if (c != null) {
      c.close();
    }
    RedisClient current = client;
    client = null;
    if (current != null) {
      current.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
