package dev.streamll.redis.processor;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;

/**
 * Run by {@link TelemetryTest} on a class path without OpenTelemetry: processes entries with the
 * default (detected) telemetry. Arguments: redis URI, stream. Exit code 0 on success.
 */
public final class NoTelemetryMain {

  private NoTelemetryMain() {}

  public static void main(String[] args) throws Exception {
    try {
      Class.forName("io.opentelemetry.api.GlobalOpenTelemetry");
      System.out.println("OpenTelemetry is on the class path");
      System.exit(2);
    } catch (ClassNotFoundException expected) {
      // The point of this run.
    }
    if (ProcessorTelemetry.detect() != ProcessorTelemetry.none()) {
      System.out.println("detect() did not fall back to no telemetry");
      System.exit(3);
    }
    RedisClient client = RedisClient.create(args[0]);
    AtomicInteger handled = new AtomicInteger();
    try (RedisStream<RedisStreams.Job> jobs =
        RedisStream.open(client, args[1], JsonEntryCodec.of(RedisStreams.Job.class))) {
      for (int i = 0; i < 10; i++) {
        jobs.add(new RedisStreams.Job(i, "job-" + i));
      }
    }
    ProcessorHandle running =
        StreamProcessor.builder(JsonEntryCodec.of(RedisStreams.Job.class)).redis(client).stream(
                args[1])
            .group("workers")
            .lease(Duration.ofSeconds(2))
            .handler(item -> handled.incrementAndGet())
            .build()
            .start();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> running.stats().processed() == 10);
    running.close(Duration.ofSeconds(5));
    client.shutdown();
    System.out.println("handled " + handled.get());
    System.exit(handled.get() == 10 ? 0 : 4);
  }
}
