package dev.streamll.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The shared Redis at 127.0.0.1:6379 for round-trip tests: hands out unique stream keys and deletes
 * them on close, so tests never see each other's entries.
 */
final class SharedRedis implements AutoCloseable {
  static final String URL = "redis://127.0.0.1:6379";

  private final RedisClient client = RedisClient.create(URL);
  private final StatefulRedisConnection<String, String> connection = client.connect();
  private final List<String> keys = new ArrayList<>();

  /** A key no other test uses; deleted on close. */
  String uniqueKey(String prefix) {
    String key = "streamll-test:" + prefix + ":" + UUID.randomUUID();
    keys.add(key);
    return key;
  }

  /** Registers a key created some other way (e.g. through a template) for deletion. */
  void deleteOnClose(String key) {
    keys.add(key);
  }

  RedisCommands<String, String> redis() {
    return connection.sync();
  }

  RedisClient client() {
    return client;
  }

  @Override
  public void close() {
    if (!keys.isEmpty()) {
      redis().del(keys.toArray(new String[0]));
    }
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
