package dev.streamll.bench.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The peer: plain Lettuce on one connection writing the same entry the sink writes ({@code event},
 * {@code event_type}, {@code module_name}), either pipelined (auto-flush off, flush every {@code
 * flushEvery}, all replies awaited at the end) or one synchronous XADD per round trip.
 */
final class LettuceXadd {
  private static final byte[] EVENT = bytes("event");
  private static final byte[] EVENT_TYPE = bytes("event_type");
  private static final byte[] MODULE_NAME = bytes("module_name");

  private LettuceXadd() {}

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Throughput, pipelined, after {@code warmup} events written the same way on the same connection
   * (as the sink gets a warm-up on its own connection).
   */
  static Throughput pipelined(
      String url, String key, byte[] json, int events, int warmup, int flushEvery)
      throws Exception {
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<byte[], byte[]> connection =
        client.connect(ByteArrayCodec.INSTANCE)) {
      connection.setAutoFlushCommands(false);
      RedisAsyncCommands<byte[], byte[]> redis = connection.async();
      write(connection, redis, bytes(key), json, warmup, flushEvery);
      Throughput.Start start = Throughput.start();
      write(connection, redis, bytes(key), json, events, flushEvery);
      return start.end(events);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static void write(
      StatefulRedisConnection<byte[], byte[]> connection,
      RedisAsyncCommands<byte[], byte[]> redis,
      byte[] key,
      byte[] json,
      int events,
      int flushEvery)
      throws Exception {
    byte[] type = bytes(BenchEvents.TYPE);
    byte[] module = bytes(BenchEvents.MODULE);
    List<RedisFuture<String>> replies = new ArrayList<>(events);
    for (int i = 0; i < events; i++) {
      replies.add(redis.xadd(key, EVENT, json, EVENT_TYPE, type, MODULE_NAME, module));
      if ((i + 1) % flushEvery == 0) {
        connection.flushCommands();
      }
    }
    connection.flushCommands();
    for (RedisFuture<String> reply : replies) {
      reply.get(60, TimeUnit.SECONDS);
    }
  }

  /** Throughput, one XADD per round trip. */
  static Throughput synchronous(String url, String key, byte[] json, int events) {
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<byte[], byte[]> connection =
        client.connect(ByteArrayCodec.INSTANCE)) {
      RedisCommands<byte[], byte[]> redis = connection.sync();
      byte[] k = bytes(key);
      byte[] type = bytes(BenchEvents.TYPE);
      byte[] module = bytes(BenchEvents.MODULE);
      Throughput.Start start = Throughput.start();
      for (int i = 0; i < events; i++) {
        redis.xadd(k, EVENT, json, EVENT_TYPE, type, MODULE_NAME, module);
      }
      return start.end(events);
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }
}
