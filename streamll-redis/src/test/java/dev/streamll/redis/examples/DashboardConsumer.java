package dev.streamll.redis.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A live-dashboard consumer of a StreamLL Redis stream (shown in docs/sinks/redis.md): blocking
 * {@code XREAD} from an entry id, the event JSON from field {@code event}, duplicates dropped by
 * {@code event_id} (the sink delivers at-least-once).
 */
public final class DashboardConsumer implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int RECENT_IDS = 100_000;

  private final RedisClient client;
  private final StatefulRedisConnection<String, String> connection;
  private final String stream;
  private final Map<String, Boolean> recentIds =
      new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > RECENT_IDS;
        }
      };
  private volatile boolean running = true;
  private volatile String lastId;

  /**
   * @param redisUrl e.g. {@code redis://localhost:6379}
   * @param stream the stream key, e.g. {@code streamll_events}
   * @param fromId {@code 0-0} for the whole stream, {@code $} for new events only
   */
  public DashboardConsumer(String redisUrl, String stream, String fromId) {
    this.client = RedisClient.create(redisUrl);
    this.connection = client.connect();
    this.stream = stream;
    this.lastId = fromId;
  }

  /** Calls {@code onEvent} for each new event until {@link #close()}; blocks the caller. */
  @SuppressWarnings("unchecked") // xread's generic varargs of StreamOffset
  public void run(Consumer<JsonNode> onEvent) {
    RedisCommands<String, String> redis = connection.sync();
    while (running) {
      List<StreamMessage<String, String>> messages;
      try {
        messages =
            redis.xread(
                XReadArgs.Builder.block(1000).count(500), StreamOffset.from(stream, lastId));
      } catch (RedisException e) {
        if (!running) {
          return; // closed while waiting
        }
        throw e;
      }
      for (StreamMessage<String, String> message : messages) {
        lastId = message.getId();
        JsonNode event = parse(message.getBody().get("event"));
        if (recentIds.put(event.get("event_id").asText(), Boolean.TRUE) == null) {
          onEvent.accept(event);
        }
      }
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("field 'event' is not JSON: " + json, e);
    }
  }

  @Override
  public void close() {
    running = false;
    connection.close();
    client.shutdown();
  }

  public static void main(String[] args) {
    String url = args.length > 0 ? args[0] : "redis://localhost:6379";
    String stream = args.length > 1 ? args[1] : "streamll_events";
    try (DashboardConsumer consumer = new DashboardConsumer(url, stream, "$")) {
      consumer.run(
          event ->
              System.out.printf(
                  "%s %-8s %s.%s %s%n",
                  event.get("timestamp").asText(),
                  event.get("event_type").asText(),
                  event.get("module_name").asText(),
                  event.get("method_name").asText(),
                  event.get("data")));
    }
  }
}
