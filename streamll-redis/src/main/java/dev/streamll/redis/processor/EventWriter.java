package dev.streamll.redis.processor;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the processor's lifecycle events to the events stream ({@code <stream>:events} by
 * default), bounded with {@code XADD MAXLEN ~}.
 *
 * <p>Entry format (all values strings):
 *
 * <ul>
 *   <li>{@code type}: {@code started}, {@code progress}, {@code completed}, {@code failed} or
 *       {@code dead_lettered}
 *   <li>{@code entry_id}, {@code stream}, {@code group}, {@code consumer}, {@code attempt}
 *   <li>{@code ts}: epoch milliseconds when the event was written
 *   <li>{@code progress}: {@code ratio} (0..1) and {@code status}
 *   <li>{@code completed}: {@code duration_ms}
 *   <li>{@code failed}: {@code error} and {@code will_retry} ({@code true}/{@code false})
 *   <li>{@code dead_lettered}: {@code error}
 * </ul>
 *
 * <p>Events of one entry are sent on one connection from the thread that produced them, so Redis
 * stores them in the order they happened. They are observability, not a delivery guarantee: a
 * failed write is logged, not retried.
 */
final class EventWriter {

  private static final Logger log = LoggerFactory.getLogger(EventWriter.class);

  private final boolean enabled;
  private final RedisAsyncCommands<String, String> redis;
  private final String eventsStream;
  private final String stream;
  private final String group;
  private final String consumer;
  private final XAddArgs args;

  EventWriter(StreamProcessor<?> cfg, RedisAsyncCommands<String, String> redis) {
    this.enabled = cfg.events;
    this.redis = redis;
    this.eventsStream = cfg.eventsStream;
    this.stream = cfg.stream;
    this.group = cfg.group;
    this.consumer = cfg.consumer;
    this.args = new XAddArgs();
    if (cfg.eventsMaxLength > 0) {
      args.maxlen(cfg.eventsMaxLength).approximateTrimming();
    }
  }

  void started(String id, long attempt) {
    if (enabled) {
      write(base("started", id, attempt));
    }
  }

  void progress(String id, long attempt, double ratio, String status) {
    if (enabled) {
      Map<String, String> e = base("progress", id, attempt);
      e.put("ratio", Double.toString(ratio));
      e.put("status", status);
      write(e);
    }
  }

  void completed(String id, long attempt, long durationMs) {
    if (enabled) {
      Map<String, String> e = base("completed", id, attempt);
      e.put("duration_ms", Long.toString(durationMs));
      write(e);
    }
  }

  void failed(String id, long attempt, String error, boolean willRetry) {
    if (enabled) {
      Map<String, String> e = base("failed", id, attempt);
      e.put("error", error);
      e.put("will_retry", Boolean.toString(willRetry));
      write(e);
    }
  }

  void deadLettered(String id, long attempt, String error) {
    if (enabled) {
      Map<String, String> e = base("dead_lettered", id, attempt);
      e.put("error", error);
      write(e);
    }
  }

  private Map<String, String> base(String type, String id, long attempt) {
    Map<String, String> e = new LinkedHashMap<>();
    e.put("type", type);
    e.put("entry_id", id);
    e.put("stream", stream);
    e.put("group", group);
    e.put("consumer", consumer);
    e.put("attempt", Long.toString(attempt));
    e.put("ts", Long.toString(System.currentTimeMillis()));
    return e;
  }

  private void write(Map<String, String> event) {
    try {
      redis
          .xadd(eventsStream, args, event)
          .whenComplete(
              (id, error) -> {
                if (error != null) {
                  log.warn(
                      "could not write {} event to {}: {}",
                      event.get("type"),
                      eventsStream,
                      error.toString());
                }
              });
    } catch (RuntimeException e) {
      log.warn("could not write {} event to {}: {}", event.get("type"), eventsStream, e.toString());
    }
  }
}
