package dev.streamll.redis.processor;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/**
 * A typed handle on one Redis stream: adds values through an {@link EntryCodec} and reports the
 * stream's and its consumer groups' state. Holds one connection; thread-safe.
 *
 * <p>When OpenTelemetry is on the class path and a span is current, {@link #add} also writes the
 * span's W3C {@code traceparent} field, which the processor continues.
 */
public final class RedisStream<T> implements AutoCloseable {

  /** The entry field carrying the W3C trace context. */
  public static final String TRACEPARENT = "traceparent";

  private final String key;
  private final EntryCodec<T> codec;
  private final long maxLength;
  private final ProcessorTelemetry telemetry;
  private final StatefulRedisConnection<String, String> connection;

  private RedisStream(RedisClient client, String key, EntryCodec<T> codec, long maxLength) {
    this.key = requireKey(key);
    this.codec = Objects.requireNonNull(codec, "codec");
    if (maxLength < 0) {
      throw new IllegalArgumentException(
          "stream maxLength is " + maxLength + ": use 0 for unbounded or a positive bound");
    }
    this.maxLength = maxLength;
    this.telemetry = ProcessorTelemetry.detect();
    this.connection = Objects.requireNonNull(client, "client").connect(StringCodec.UTF8);
  }

  /** A handle on {@code key} that adds entries without a length bound. */
  public static <T> RedisStream<T> open(RedisClient client, String key, EntryCodec<T> codec) {
    return new RedisStream<>(client, key, codec, 0);
  }

  /**
   * A handle on {@code key} whose {@link #add} trims the stream to about {@code maxLength} entries
   * ({@code XADD MAXLEN ~}). Trimming by length drops the oldest entries whether or not they were
   * processed; prefer {@link AckRetention#DELETE} on the processor to bound a work queue.
   */
  public static <T> RedisStream<T> open(
      RedisClient client, String key, EntryCodec<T> codec, long maxLength) {
    return new RedisStream<>(client, key, codec, maxLength);
  }

  static String requireKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException(
          "stream key is blank: name the Redis stream, e.g. \"jobs\"");
    }
    return key;
  }

  public String key() {
    return key;
  }

  /** Appends {@code value}; returns the new entry's id once Redis confirmed it. */
  public String add(T value) {
    return connection.sync().xadd(key, args(), fields(value));
  }

  /** Appends {@code value} without waiting; completes with the new entry's id. */
  public CompletionStage<String> addAsync(T value) {
    return connection.async().xadd(key, args(), fields(value));
  }

  private XAddArgs args() {
    XAddArgs args = new XAddArgs();
    if (maxLength > 0) {
      args.maxlen(maxLength).approximateTrimming();
    }
    return args;
  }

  private Map<String, String> fields(T value) {
    Map<String, String> encoded = codec.encode(value);
    String traceparent = telemetry.currentTraceparent();
    if (traceparent == null || encoded.containsKey(TRACEPARENT)) {
      return encoded;
    }
    Map<String, String> fields = new HashMap<>(encoded);
    fields.put(TRACEPARENT, traceparent);
    return fields;
  }

  /** Length, first and last ids and the consumer groups; an absent stream reports length 0. */
  public StreamInfo info() {
    RedisCommands<String, String> redis = connection.sync();
    List<Object> reply;
    try {
      reply = redis.xinfoStream(key);
    } catch (RedisCommandExecutionException e) {
      if (isNoSuchKey(e)) {
        return new StreamInfo(0, null, null, null, List.of());
      }
      throw e;
    }
    Map<String, Object> map = XInfoReplies.asMap(reply);
    return new StreamInfo(
        XInfoReplies.number(map, "length", 0),
        XInfoReplies.entryId(map.get("first-entry")),
        XInfoReplies.entryId(map.get("last-entry")),
        XInfoReplies.text(map, "last-generated-id"),
        groups());
  }

  /** Per consumer group: consumers, pending entries, lag and last delivered id. */
  public List<GroupInfo> groups() {
    try {
      return XInfoReplies.groups(connection.sync().xinfoGroups(key));
    } catch (RedisCommandExecutionException e) {
      if (isNoSuchKey(e)) {
        return List.of();
      }
      throw e;
    }
  }

  static boolean isNoSuchKey(RedisCommandExecutionException e) {
    return e.getMessage() != null && e.getMessage().contains("no such key");
  }

  @Override
  public void close() {
    connection.close();
  }
}
