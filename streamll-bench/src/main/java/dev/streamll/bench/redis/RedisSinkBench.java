package dev.streamll.bench.redis;

import dev.streamll.forward.ForwarderOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.HdrHistogram.Histogram;

/**
 * Redis sink benchmarks, every peer measured in the same run on the same server:
 *
 * <ol>
 *   <li>events/s emit → confirmed in Redis through a {@code Streamll} instance (in-memory journal),
 *       against a plain Lettuce loop pipelining the same XADD on one connection and against {@code
 *       redis-benchmark} pipelining it from 50 connections (the server's ceiling);
 *   <li>the pipelining speedup: the same, one XADD per round trip (plain Lettuce, and the sink with
 *       batches of one and one batch in flight);
 *   <li>latency emit → visible to a blocking XREAD consumer at a fixed rate, p50/p99
 *       (HdrHistogram).
 * </ol>
 *
 * <pre>
 * java -cp streamll-bench/target/benchmarks.jar dev.streamll.bench.redis.RedisSinkBench \
 *     [redis://127.0.0.1:6379] [events=200000] [syncEvents=20000] [rate=10000] [seconds=10]
 * </pre>
 *
 * Keys are {@code streamll-bench:*} with a random suffix and are deleted afterwards.
 */
public final class RedisSinkBench {
  private RedisSinkBench() {}

  public static void main(String[] args) throws Exception {
    String url = args.length > 0 ? args[0] : "redis://127.0.0.1:6379";
    int events = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
    int syncEvents = args.length > 2 ? Integer.parseInt(args[2]) : 20_000;
    int rate = args.length > 3 ? Integer.parseInt(args[3]) : 10_000;
    int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 10;
    URI uri = URI.create(url);
    byte[] json = BenchEvents.json();
    List<String> keys = new ArrayList<>();
    String run = UUID.randomUUID().toString().substring(0, 8);

    System.out.printf(
        Locale.ROOT,
        "Redis sink benchmark: %s, %d-byte event JSON, %,d events per throughput run%n",
        url,
        json.length,
        events);
    try {
      ForwarderOptions defaults = ForwarderOptions.defaults();
      ForwarderOptions large = defaults.toBuilder().maxBatchSize(4096).build();
      // Five rounds, alternating the contenders; the best counts, so JIT warm-up and
      // a neighbour's burst hit each of them alike.
      Throughput lettuce = null;
      Throughput sinkDefault = null;
      Throughput sinkLarge = null;
      for (int round = 0; round < 5; round++) {
        lettuce =
            best(lettuce, LettuceXadd.pipelined(url, key(keys, run, "lettuce"), json, events, 512));
        sinkDefault =
            best(
                sinkDefault,
                StreamllToRedis.emitToConfirmed(
                    url + "/" + key(keys, run, "sink-512-" + round), events, events / 4, defaults));
        sinkLarge =
            best(
                sinkLarge,
                StreamllToRedis.emitToConfirmed(
                    url + "/" + key(keys, run, "sink-4096-" + round), events, events / 4, large));
        // Each round starts on an empty server: a server holding millions of entries from earlier
        // rounds allocates more slowly and would penalise whoever runs last.
        deleteKeys(url, keys);
      }
      double ceiling =
          RedisBenchmarkTool.xadd(
              uri.getHost(),
              uri.getPort() < 0 ? 6379 : uri.getPort(),
              key(keys, run, "redis-benchmark"),
              new String(json, StandardCharsets.UTF_8),
              events,
              50,
              64);
      Throughput lettuceSync =
          LettuceXadd.synchronous(url, key(keys, run, "sync"), json, syncEvents);
      Throughput sinkSingle =
          StreamllToRedis.emitToConfirmed(
              url + "/" + key(keys, run, "sink-1"),
              syncEvents,
              syncEvents / 10,
              defaults.toBuilder()
                  .maxBatchSize(1)
                  .linger(Duration.ZERO)
                  .maxInFlightBatches(1)
                  .build());

      System.out.println();
      System.out.println(
          "| what | events/s | vs Lettuce loop | vs redis-benchmark | JVM CPU µs/event |");
      System.out.println("|---|---:|---:|---:|---:|");
      row(
          "redis-benchmark XADD, 50 connections, pipeline 64",
          new Throughput(ceiling, Double.NaN),
          lettuce,
          ceiling);
      row("plain Lettuce loop, 1 connection, flush every 512", lettuce, lettuce, ceiling);
      row("StreamLL emit → confirmed, batch 512 (default)", sinkDefault, lettuce, ceiling);
      row("StreamLL emit → confirmed, batch 4096", sinkLarge, lettuce, ceiling);
      row("plain Lettuce, one XADD per round trip", lettuceSync, lettuce, ceiling);
      row("StreamLL emit → confirmed, batch 1, one in flight", sinkSingle, lettuce, ceiling);
      System.out.printf(
          Locale.ROOT,
          "%npipelining speedup: Lettuce %.1fx (pipelined / one per round trip),"
              + " StreamLL sink %.1fx (batch 512 × 4 in flight / batch 1 × 1)%n",
          lettuce.eventsPerSecond() / lettuceSync.eventsPerSecond(),
          sinkDefault.eventsPerSecond() / sinkSingle.eventsPerSecond());

      System.out.println();
      System.out.printf(
          Locale.ROOT,
          "latency emit → visible to XREAD at %,d events/s for %d s:%n",
          rate,
          seconds);
      latency(url, key(keys, run, "latency-default"), rate, seconds, defaults, "linger 5 ms");
      latency(
          url,
          key(keys, run, "latency-linger0"),
          rate,
          seconds,
          defaults.toBuilder().linger(Duration.ZERO).build(),
          "linger 0");
    } finally {
      deleteKeys(url, keys);
    }
  }

  private static void deleteKeys(String url, List<String> keys) {
    if (keys.isEmpty()) {
      return;
    }
    RedisClient client = RedisClient.create(url);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.sync().del(keys.toArray(new String[0]));
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  private static Throughput best(Throughput previous, Throughput next) {
    return previous == null || next.eventsPerSecond() > previous.eventsPerSecond()
        ? next
        : previous;
  }

  private static String key(List<String> keys, String run, String name) {
    String key = "streamll-bench:" + name + ":" + run;
    if (!keys.contains(key)) {
      keys.add(key);
    }
    return key;
  }

  private static void row(String what, Throughput result, Throughput lettuce, double ceiling) {
    double rate = result.eventsPerSecond();
    System.out.printf(
        Locale.ROOT,
        "| %s | %,.0f | %.2fx | %.2fx | %s |%n",
        what,
        rate,
        rate / lettuce.eventsPerSecond(),
        rate / ceiling,
        Double.isNaN(result.cpuMicrosPerEvent())
            ? "—"
            : String.format(Locale.ROOT, "%.2f", result.cpuMicrosPerEvent()));
  }

  private static void latency(
      String url, String key, int rate, int seconds, ForwarderOptions options, String label)
      throws InterruptedException {
    Histogram histogram = StreamllToRedis.emitToVisible(url, key, rate, seconds, options);
    System.out.printf(
        Locale.ROOT,
        "  %s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms, max %.2f ms (%,d samples)%n",
        label,
        histogram.getValueAtPercentile(50) / 1000.0,
        histogram.getValueAtPercentile(99) / 1000.0,
        histogram.getValueAtPercentile(99.9) / 1000.0,
        histogram.getMaxValue() / 1000.0,
        histogram.getTotalCount());
  }
}
