package dev.streamll.redis.processor;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A Redis connection and a unique stream key per test; every key the test used is deleted. */
abstract class RedisStreams {

  static final String REDIS_URI = "redis://127.0.0.1:6379";

  RedisClient client;
  StatefulRedisConnection<String, String> connection;
  RedisCommands<String, String> redis;
  String stream;

  @BeforeEach
  void connect() {
    client = RedisClient.create(REDIS_URI);
    connection = client.connect();
    redis = connection.sync();
    stream = "streamll-processor-test:" + UUID.randomUUID();
  }

  @AfterEach
  void cleanUp() {
    redis.del(stream, stream + ":dlq", stream + ":events", stream + ":done");
    connection.close();
    client.shutdown();
  }

  /** A builder with short leases for tests. */
  StreamProcessor.Builder<Job> builder(EntryHandler<Job> handler) {
    return StreamProcessor.builder(JsonEntryCodec.of(Job.class)).redis(client).stream(stream)
        .group("workers")
        .consumer("c1")
        .lease(java.time.Duration.ofSeconds(2))
        .telemetry(ProcessorTelemetry.none())
        .handler(handler);
  }

  RedisStream<Job> jobs() {
    return RedisStream.open(client, stream, JsonEntryCodec.of(Job.class));
  }

  /** Adds {@code n} jobs numbered from 0; returns their ids in order. */
  java.util.List<String> addJobs(int n) {
    java.util.List<String> ids = new java.util.ArrayList<>(n);
    try (RedisStream<Job> jobs = jobs()) {
      for (int i = 0; i < n; i++) {
        ids.add(jobs.add(new Job(i, "job-" + i)));
      }
    }
    return ids;
  }

  /** A test payload. */
  public record Job(int number, String name) {}
}
