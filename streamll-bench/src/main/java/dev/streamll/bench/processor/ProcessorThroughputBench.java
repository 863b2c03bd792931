package dev.streamll.bench.processor;

import dev.streamll.redis.processor.AckRetention;
import dev.streamll.redis.processor.JsonEntryCodec;
import dev.streamll.redis.processor.ProcessorHandle;
import dev.streamll.redis.processor.ProcessorTelemetry;
import dev.streamll.redis.processor.StreamProcessor;
import io.lettuce.core.Consumer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XGroupCreateArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.data.redis.stream.StreamMessageListenerContainer;
import org.springframework.data.redis.stream.Subscription;

/**
 * Entries per second through {@link StreamProcessor} with a no-op handler at several concurrencies,
 * against a plain Lettuce {@code XREADGROUP} + {@code XACK} loop and Spring Data Redis' {@code
 * StreamMessageListenerContainer} on the same Redis in the same run.
 *
 * <p>Each measurement fills a fresh stream with {@code --entries} JSON entries (~100 B), then times
 * draining it through one consumer group. Usage: {@code ProcessorThroughputBench [--redis
 * redis://127.0.0.1:6379] [--entries 100000] [--batch 20] [--concurrency 1,10,100] [--rounds 3]}.
 */
public final class ProcessorThroughputBench {

  /** The benchmark payload. */
  public record Job(long number, String text) {}

  private final RedisClient client;
  private final RedisCommands<String, String> redis;
  private final int entries;
  private final int batch;

  private ProcessorThroughputBench(
      RedisClient client, RedisCommands<String, String> redis, int entries, int batch) {
    this.client = client;
    this.redis = redis;
    this.entries = entries;
    this.batch = batch;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = parse(args);
    String uri = options.getOrDefault("redis", "redis://127.0.0.1:6379");
    int entries = Integer.parseInt(options.getOrDefault("entries", "100000"));
    int batch = Integer.parseInt(options.getOrDefault("batch", "20"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "3"));
    List<Integer> concurrencies = new ArrayList<>();
    for (String c : options.getOrDefault("concurrency", "1,10,100").split(",")) {
      concurrencies.add(Integer.parseInt(c.trim()));
    }
    RedisClient client = RedisClient.create(uri);
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      ProcessorThroughputBench bench =
          new ProcessorThroughputBench(client, connection.sync(), entries, batch);
      System.out.printf(
          "entries=%d batch=%d rounds=%d cores=%d%n",
          entries, batch, rounds, Runtime.getRuntime().availableProcessors());
      // Warm-up, not reported.
      bench.plainLoop(connection);
      bench.processor(10, AckRetention.KEEP);

      Map<String, List<Result>> results = new LinkedHashMap<>();
      String plainName = "plain XREADGROUP+XACK loop";
      for (int round = 0; round < rounds; round++) {
        results.computeIfAbsent(plainName, k -> new ArrayList<>()).add(bench.plainLoop(connection));
        for (int c : concurrencies) {
          results
              .computeIfAbsent("processor c=" + c + " (ack only)", k -> new ArrayList<>())
              .add(bench.processor(c, AckRetention.KEEP));
        }
        results
            .computeIfAbsent("processor c=10 (ack+delete)", k -> new ArrayList<>())
            .add(bench.processor(10, AckRetention.DELETE));
        results
            .computeIfAbsent("Spring StreamMessageListener", k -> new ArrayList<>())
            .add(bench.springContainer(uri));
      }
      double plain = median(rates(results.get(plainName)));
      System.out.printf(
          "%-30s %10s %6s %14s   %s%n",
          "peer", "median/s", "ratio", "cpu us/entry", "rounds (entries/s)");
      for (Map.Entry<String, List<Result>> r : results.entrySet()) {
        double m = median(rates(r.getValue()));
        List<Double> cpu = new ArrayList<>();
        for (Result x : r.getValue()) {
          cpu.add(x.cpuMicrosPerEntry());
        }
        System.out.printf(
            "%-30s %10.0f %6.2f %14.1f   %s%n",
            r.getKey(), m, m / plain, median(cpu), format(rates(r.getValue())));
      }
    } finally {
      client.shutdown();
    }
  }

  private String fill() {
    String stream = "streamll-bench:processor:" + UUID.randomUUID();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      connection.setAutoFlushCommands(false);
      RedisAsyncCommands<String, String> async = connection.async();
      List<RedisFuture<String>> futures = new ArrayList<>(512);
      String text = "x".repeat(60);
      for (int i = 0; i < entries; i++) {
        futures.add(
            async.xadd(
                stream, Map.of("payload", "{\"number\":" + i + ",\"text\":\"" + text + "\"}")));
        if (futures.size() == 512 || i == entries - 1) {
          connection.flushCommands();
          for (RedisFuture<String> f : futures) {
            f.get(10, TimeUnit.SECONDS);
          }
          futures.clear();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("could not fill the benchmark stream: " + e, e);
    }
    redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "bench", new XGroupCreateArgs());
    return stream;
  }

  /** Entries/s of a single-threaded XREADGROUP COUNT batch + XACK loop. */
  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes generic varargs offsets
  private Result plainLoop(StatefulRedisConnection<String, String> connection) {
    String stream = fill();
    try {
      RedisCommands<String, String> sync = connection.sync();
      Consumer<String> me = Consumer.from("bench", "plain");
      XReadArgs args = XReadArgs.Builder.count(batch).block(100);
      XReadArgs.StreamOffset<String> offset = XReadArgs.StreamOffset.lastConsumed(stream);
      long start = System.nanoTime();
      long cpu = processCpuNanos();
      int done = 0;
      while (done < entries) {
        List<StreamMessage<String, String>> messages = sync.xreadgroup(me, args, offset);
        if (messages.isEmpty()) {
          continue;
        }
        String[] ids = new String[messages.size()];
        for (int i = 0; i < ids.length; i++) {
          ids[i] = messages.get(i).getId();
        }
        sync.xack(stream, "bench", ids);
        done += ids.length;
      }
      return result(start, cpu);
    } finally {
      redis.del(stream);
    }
  }

  /** Entries/s through the processor with a no-op handler. */
  private Result processor(int concurrency, AckRetention retention) {
    String stream = fill();
    try {
      StreamProcessor<Job> processor =
          StreamProcessor.builder(JsonEntryCodec.of(Job.class)).redis(client).stream(stream)
              .group("bench")
              .consumer("processor")
              .batchSize(batch)
              .concurrency(concurrency)
              .retention(retention)
              .telemetry(ProcessorTelemetry.none())
              .handler(item -> {})
              .build();
      long start = System.nanoTime();
      long cpu = processCpuNanos();
      ProcessorHandle running = processor.start();
      while (running.stats().processed() < entries || running.stats().held() > 0) {
        LockSupport.parkNanos(1_000_000);
      }
      Result result = result(start, cpu);
      running.close(Duration.ofSeconds(5));
      return result;
    } finally {
      redis.del(stream);
    }
  }

  /**
   * Entries/s through Spring Data Redis' {@code StreamMessageListenerContainer}, as its reference
   * documentation uses it: {@code receive} with a consumer group and an {@code XACK} per record
   * from the listener. It gives none of the processor's guarantees (no leases, no retries, no
   * dead-letter), so it is a peer for speed only.
   */
  private Result springContainer(String uri) {
    String stream = fill();
    RedisURI parsed = RedisURI.create(uri);
    LettuceConnectionFactory factory =
        new LettuceConnectionFactory(
            new RedisStandaloneConfiguration(parsed.getHost(), parsed.getPort()));
    factory.afterPropertiesSet();
    factory.start();
    StringRedisTemplate template = new StringRedisTemplate(factory);
    StreamMessageListenerContainer<String, MapRecord<String, String, String>> container =
        StreamMessageListenerContainer.create(
            factory,
            StreamMessageListenerContainer.StreamMessageListenerContainerOptions.builder()
                .batchSize(batch)
                .pollTimeout(Duration.ofMillis(100))
                .build());
    AtomicInteger done = new AtomicInteger();
    Subscription subscription = null;
    try {
      long start = System.nanoTime();
      long cpu = processCpuNanos();
      subscription =
          container.receive(
              org.springframework.data.redis.connection.stream.Consumer.from("bench", "spring"),
              StreamOffset.create(stream, ReadOffset.lastConsumed()),
              record -> {
                template.opsForStream().acknowledge("bench", record);
                done.incrementAndGet();
              });
      container.start();
      while (done.get() < entries) {
        LockSupport.parkNanos(1_000_000);
      }
      return result(start, cpu);
    } finally {
      container.stop();
      // stop() returns before the poll loop does; the connection must outlive it.
      while (subscription != null && subscription.isActive()) {
        LockSupport.parkNanos(1_000_000);
      }
      factory.destroy();
      redis.del(stream);
    }
  }

  /** Throughput and this process's CPU time per entry (client side only; Redis not included). */
  private record Result(double perSecond, double cpuMicrosPerEntry) {}

  private Result result(long startNanos, long startCpuNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    double cpuMicros = (processCpuNanos() - startCpuNanos) / 1e3;
    return new Result(entries / seconds, cpuMicros / entries);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(Double::compare);
    return sorted.get(sorted.size() / 2);
  }

  private static List<Double> rates(List<Result> results) {
    List<Double> rates = new ArrayList<>();
    for (Result r : results) {
      rates.add(r.perSecond());
    }
    return rates;
  }

  private static String format(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(String.format("%.0f ", v));
    }
    return s.toString().trim();
  }

  private static Map<String, String> parse(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --option value, got " + args[i]);
      }
      options.put(args[i].substring(2), args[i + 1]);
    }
    return options;
  }
}
