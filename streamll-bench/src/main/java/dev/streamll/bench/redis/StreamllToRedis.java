package dev.streamll.bench.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.journal.InMemoryJournal;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/** StreamLL's side: emit → confirmed throughput, and emit → visible latency at a fixed rate. */
final class StreamllToRedis {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StreamllToRedis() {}

  private static Streamll open(String url, ForwarderOptions options) {
    return Streamll.create(
        StreamllConfig.builder()
            .sink(SinkConfig.of(url).options(options))
            .journal(() -> InMemoryJournal.builder().maxBytes(2L << 30).build(), "memory")
            .ringCapacity(1 << 17)
            .blockWhenFull(Duration.ofSeconds(60))
            .startTimeout(Duration.ofSeconds(60))
            .build());
  }

  /**
   * Events per second from the first {@code emit} until {@code flush} reports every event confirmed
   * by Redis, after {@code warmup} events delivered the same way.
   */
  static Throughput emitToConfirmed(String url, int events, int warmup, ForwarderOptions options) {
    try (Streamll streamll = open(url, options)) {
      run(streamll, warmup);
      Throughput.Start start = Throughput.start();
      run(streamll, events);
      return start.end(events);
    }
  }

  private static void run(Streamll streamll, int events) {
    for (int i = 0; i < events; i++) {
      if (!streamll.emit(BenchEvents.event(Map.of()))) {
        throw new IllegalStateException("event dropped: " + streamll.health().dropped());
      }
    }
    FlushResult flushed = streamll.flush(Duration.ofMinutes(5));
    if (!flushed.complete()) {
      throw new IllegalStateException("not confirmed in time: " + flushed);
    }
  }

  /**
   * Emits {@code rate} events per second for {@code seconds} (after one second of warm-up) and
   * records, for each, the time until a blocking XREAD consumer has it, in microseconds.
   */
  static Histogram emitToVisible(
      String redisUrl, String key, int rate, int seconds, ForwarderOptions options)
      throws InterruptedException {
    Histogram histogram = new Histogram(TimeUnit.SECONDS.toMicros(10), 3);
    RedisClient client = RedisClient.create(redisUrl);
    StatefulRedisConnection<String, String> connection = client.connect();
    long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
    int total = rate * (seconds + 1);
    Thread consumer =
        new Thread(() -> consume(connection, key, total, measureFrom, histogram), "xread");
    try (Streamll streamll = open(redisUrl + "/" + key, options)) {
      consumer.start();
      long start = System.nanoTime();
      long interval = TimeUnit.SECONDS.toNanos(1) / rate;
      for (int i = 0; i < total; i++) {
        long wait = start + i * interval - System.nanoTime();
        if (wait > 0) {
          LockSupport.parkNanos(wait);
        }
        streamll.emit(BenchEvents.event(Map.of("emitted_nanos", System.nanoTime())));
      }
      consumer.join(TimeUnit.SECONDS.toMillis(seconds + 30));
    } finally {
      connection.close();
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    return histogram;
  }

  @SuppressWarnings("unchecked") // xread's generic varargs of StreamOffset
  private static void consume(
      StatefulRedisConnection<String, String> connection,
      String key,
      int total,
      long measureFrom,
      Histogram histogram) {
    String last = "0-0"; // the key is new: every entry is one of ours, none is missed
    int seen = 0;
    try {
      while (seen < total) {
        List<StreamMessage<String, String>> messages =
            connection
                .sync()
                .xread(
                    XReadArgs.Builder.block(1000).count(1000),
                    XReadArgs.StreamOffset.from(key, last));
        long now = System.nanoTime();
        for (StreamMessage<String, String> message : messages) {
          last = message.getId();
          seen++;
          JsonNode event = JSON.readTree(message.getBody().get("event"));
          long emitted = event.get("data").get("emitted_nanos").asLong();
          if (emitted >= measureFrom) {
            histogram.recordValue(Math.max(0, (now - emitted) / 1000));
          }
        }
      }
    } catch (IOException | RedisException e) {
      throw new IllegalStateException("consumer failed after " + seen + " events", e);
    }
  }
}
