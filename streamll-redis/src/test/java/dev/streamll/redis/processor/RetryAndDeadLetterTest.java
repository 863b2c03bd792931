package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryAndDeadLetterTest extends RedisStreams {

  @Test
  void retriesWithBackoffAndAttemptsFromTheDeliveryCount() {
    addJobs(1);
    List<Long> attempts = new CopyOnWriteArrayList<>();
    List<Long> times = new CopyOnWriteArrayList<>();
    try (ProcessorHandle running =
        builder(
                item -> {
                  attempts.add(item.attempt());
                  times.add(System.nanoTime());
                  if (item.attempt() < 3) {
                    throw new IllegalStateException("transient failure " + item.attempt());
                  }
                })
            .retry(
                RetryPolicy.maxAttempts(5)
                    .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(1)))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 1);
      assertThat(running.stats().failed()).isEqualTo(2);
      assertThat(running.stats().retried()).isEqualTo(2);
      assertThat(running.stats().deadLettered()).isZero();
    }
    assertThat(attempts).containsExactly(1L, 2L, 3L);
    // Jitter 0.5 keeps at least half of the 200 ms, then 400 ms, delay.
    assertThat(times.get(1) - times.get(0))
        .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(times.get(2) - times.get(1))
        .isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
    assertThat(redis.xlen(stream + ":dlq")).isZero();
  }

  @Test
  void afterTheLastAttemptTheEntryIsDeadLetteredAndAcknowledgedOnce() {
    String id = addJobs(1).get(0);
    AtomicInteger calls = new AtomicInteger();
    try (ProcessorHandle running =
        builder(
                item -> {
                  calls.incrementAndGet();
                  throw new IllegalArgumentException("bad job " + item.payload().number());
                })
            .retry(
                RetryPolicy.maxAttempts(3)
                    .withBackoff(Duration.ofMillis(20), Duration.ofMillis(50)))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().deadLettered() == 1);
      assertThat(running.stats().failed()).isEqualTo(3);
      assertThat(running.stats().processed()).isZero();
    }
    assertThat(calls).hasValue(3);
    List<StreamMessage<String, String>> letters =
        redis.xrange(stream + ":dlq", Range.create("-", "+"));
    assertThat(letters).hasSize(1);
    Map<String, String> letter = letters.get(0).getBody();
    assertThat(letter)
        .containsEntry("dlq_original_id", id)
        .containsEntry("dlq_stream", stream)
        .containsEntry("dlq_group", "workers")
        .containsEntry("dlq_consumer", "c1")
        .containsEntry("dlq_attempts", "3")
        .containsEntry("dlq_error", "java.lang.IllegalArgumentException: bad job 0")
        .containsEntry("payload", "{\"number\":0,\"name\":\"job-0\"}");
    long failedAt = Long.parseLong(letter.get("dlq_failed_at"));
    assertThat(failedAt).isBetween(System.currentTimeMillis() - 60_000, System.currentTimeMillis());
    assertThat(redis.xpending(stream, "workers").getCount()).isZero();
    assertThat(redis.xlen(stream)).isZero();
  }

  @Test
  void anUndecodablePayloadGoesStraightToTheDeadLetterStream() {
    String bad = redis.xadd(stream, Map.of("payload", "{not json"));
    addJobs(1);
    AtomicInteger calls = new AtomicInteger();
    try (ProcessorHandle running = builder(item -> calls.incrementAndGet()).build().start()) {
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> running.stats().deadLettered() == 1 && running.stats().processed() == 1);
    }
    assertThat(calls).hasValue(1);
    Map<String, String> letter =
        redis.xrange(stream + ":dlq", Range.create("-", "+")).get(0).getBody();
    assertThat(letter)
        .containsEntry("dlq_original_id", bad)
        .containsEntry("dlq_attempts", "1")
        .containsEntry("payload", "{not json");
    assertThat(letter.get("dlq_error"))
        .startsWith("cannot decode entry: ")
        .contains("field 'payload' is not a JSON Job");
  }

  @Test
  void infiniteRetriesNeverGiveUp() {
    addJobs(1);
    AtomicInteger calls = new AtomicInteger();
    try (ProcessorHandle running =
        builder(
                item -> {
                  if (calls.incrementAndGet() <= 6) {
                    throw new IllegalStateException("still failing");
                  }
                })
            .retry(RetryPolicy.infinite().withBackoff(Duration.ofMillis(5), Duration.ofMillis(20)))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 1);
      assertThat(running.stats().failed()).isEqualTo(6);
      assertThat(running.stats().deadLettered()).isZero();
    }
    assertThat(calls).hasValue(7);
    assertThat(redis.xlen(stream + ":dlq")).isZero();
  }

  @Test
  void withDeadLetteringOffAnExhaustedEntryIsAcknowledgedAndCounted() {
    addJobs(1);
    try (ProcessorHandle running =
        builder(
                item -> {
                  throw new IllegalStateException("permanent");
                })
            .retry(
                RetryPolicy.maxAttempts(2).withBackoff(Duration.ofMillis(5), Duration.ofMillis(5)))
            .deadLetter(false)
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().discarded() == 1);
      await().atMost(Duration.ofSeconds(5)).until(() -> running.stats().held() == 0);
    }
    assertThat(redis.exists(stream + ":dlq")).isZero();
    assertThat(redis.xpending(stream, "workers").getCount()).isZero();
  }
}
