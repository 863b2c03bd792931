package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Consumer;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class EventsAndRetentionTest extends RedisStreams {

  @Test
  void lifecycleEventsAreWrittenInOrderPerEntry() {
    List<String> ids = addJobs(2);
    AtomicBoolean failedOnce = new AtomicBoolean();
    try (ProcessorHandle running =
        builder(
                item -> {
                  if (item.payload().number() == 0) {
                    item.progress(0.5, "half way");
                    item.progress(1.0, "done");
                  } else if (failedOnce.compareAndSet(false, true)) {
                    throw new IllegalStateException("first try fails");
                  }
                })
            .events(true)
            .retry(
                RetryPolicy.maxAttempts(3)
                    .withBackoff(Duration.ofMillis(10), Duration.ofMillis(10)))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 2);
    }
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> eventsOf(ids.get(1)).size() == 4 && eventsOf(ids.get(0)).size() == 4);
    List<Map<String, String>> first = eventsOf(ids.get(0));
    assertThat(first)
        .extracting(e -> e.get("type"))
        .containsExactly("started", "progress", "progress", "completed");
    assertThat(first.get(1)).containsEntry("ratio", "0.5").containsEntry("status", "half way");
    assertThat(first.get(3)).containsKey("duration_ms").containsEntry("consumer", "c1");
    List<Map<String, String>> second = eventsOf(ids.get(1));
    assertThat(second)
        .extracting(e -> e.get("type"))
        .containsExactly("started", "failed", "started", "completed");
    assertThat(second).extracting(e -> e.get("attempt")).containsExactly("1", "1", "2", "2");
    assertThat(second.get(1))
        .containsEntry("will_retry", "true")
        .containsEntry("error", "java.lang.IllegalStateException: first try fails");
  }

  @Test
  void eventAndDeadLetterStreamsStayBounded() {
    for (int i = 0; i < 150; i++) {
      redis.xadd(stream, Map.of("payload", "not json " + i));
    }
    try (ProcessorHandle running =
        builder(item -> {})
            .events(true)
            .eventsMaxLength(20)
            .deadLetterMaxLength(20)
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> running.stats().deadLettered() == 150);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(stream + ":events") > 0);
    // MAXLEN ~ trims whole radix-tree nodes (100 entries by default), so allow one node over.
    assertThat(redis.xlen(stream + ":events")).isBetween(20L, 120L);
    assertThat(redis.xlen(stream + ":dlq")).isBetween(20L, 120L);
    assertThat(redis.xlen(stream)).isZero();
  }

  @Test
  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes generic varargs offsets
  void trimRemovesOnlyWhatEveryGroupIsDoneWith() {
    List<String> ids = addJobs(100);
    Consumer<String> auditor = Consumer.from("audit", "a1");
    redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "audit");
    List<StreamMessage<String, String>> read =
        redis.xreadgroup(
            auditor, XReadArgs.Builder.count(40), XReadArgs.StreamOffset.lastConsumed(stream));
    redis.xack(
        stream,
        "audit",
        read.subList(0, 30).stream().map(StreamMessage::getId).toArray(String[]::new));
    try (ProcessorHandle running =
        builder(item -> {})
            .retention(AckRetention.TRIM)
            .claimInterval(Duration.ofMillis(100))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 100);
      // The audit group still has entries 30..39 pending and 40..99 unread.
      await().atMost(Duration.ofSeconds(5)).until(() -> redis.xlen(stream) == 70);
    }
    assertThat(redis.xrange(stream, Range.create("-", "+")).get(0).getId()).isEqualTo(ids.get(30));
  }

  @Test
  void keepLeavesAcknowledgedEntriesInTheStream() {
    addJobs(20);
    try (ProcessorHandle running =
        builder(item -> {}).retention(AckRetention.KEEP).build().start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 20);
      await().atMost(Duration.ofSeconds(5)).until(() -> running.stats().held() == 0);
    }
    assertThat(redis.xlen(stream)).isEqualTo(20);
    assertThat(redis.xpending(stream, "workers").getCount()).isZero();
  }

  private List<Map<String, String>> eventsOf(String id) {
    return redis.xrange(stream + ":events", Range.create("-", "+")).stream()
        .map(StreamMessage::getBody)
        .filter(e -> id.equals(e.get("entry_id")))
        .toList();
  }
}
