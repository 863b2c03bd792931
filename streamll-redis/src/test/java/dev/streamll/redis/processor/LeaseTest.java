package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Consumer;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.XClaimArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.models.stream.PendingMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LeaseTest extends RedisStreams {

  @Test
  void heartbeatsKeepALongEntryLeasedWithoutBumpingTheDeliveryCount() throws Exception {
    String id = addJobs(1).get(0);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    EntryHandler<Job> slow =
        item -> {
          calls.incrementAndGet();
          release.await();
        };
    try (ProcessorHandle owner = builder(slow).lease(Duration.ofSeconds(1)).build().start();
        ProcessorHandle rival =
            builder(slow)
                .consumer("c2")
                .lease(Duration.ofSeconds(1))
                .claimInterval(Duration.ofMillis(100))
                .build()
                .start()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
      ProcessorHandle holder = owner.stats().running() == 1 ? owner : rival;
      // Three leases long: without heartbeats the rival would reclaim it after one.
      await()
          .during(Duration.ofMillis(3000))
          .atMost(Duration.ofMillis(4000))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                PendingMessage p = pending(id);
                return p.getConsumer().equals(holder.consumer())
                    && p.getRedeliveryCount() == 1
                    && p.getMsSinceLastDelivery() < 1000;
              });
      assertThat(holder.stats().heartbeats()).isGreaterThanOrEqualTo(4);
      assertThat(owner.stats().reclaimed() + rival.stats().reclaimed()).isZero();
      release.countDown();
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> owner.stats().processed() + rival.stats().processed() == 1);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes generic varargs offsets
  void reclaimFollowsTheCursorPastEntriesThatAreStillLeased() {
    List<String> ids = addJobs(330);
    List<String> live = ids.subList(0, 300);
    List<String> dead = ids.subList(300, 330);
    Consumer<String> other = Consumer.from("workers", "other");
    redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "workers");
    redis.xreadgroup(
        other, XReadArgs.Builder.count(330), XReadArgs.StreamOffset.lastConsumed(stream));
    redis.xclaim(
        stream, other, new XClaimArgs().idle(60_000).justid(), dead.toArray(new String[0]));
    ScheduledExecutorService keeper = Executors.newSingleThreadScheduledExecutor();
    // A live consumer heartbeating its first 300 entries.
    keeper.scheduleWithFixedDelay(
        () ->
            connection
                .async()
                .xclaim(stream, other, new XClaimArgs().justid(), live.toArray(new String[0])),
        0,
        200,
        TimeUnit.MILLISECONDS);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    try (ProcessorHandle running =
        builder(item -> seen.add(item.id()))
            .lease(Duration.ofSeconds(1))
            .batchSize(10)
            .claimInterval(Duration.ofMillis(100))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 30);
      assertThat(running.stats().reclaimed()).isEqualTo(30);
    } finally {
      keeper.shutdownNow();
    }
    assertThat(seen).containsExactlyInAnyOrderElementsOf(dead);
    assertThat(pendingCounts()).containsEntry("other", 300L);
  }

  @Test
  void anEntryStillBeingWorkedOnIsNotRunAgainWhenItsOwnConsumerReclaimsIt() {
    String id = addJobs(1).get(0);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger calls = new AtomicInteger();
    try (ProcessorHandle running =
        builder(
                item -> {
                  calls.incrementAndGet();
                  release.await();
                })
            .lease(Duration.ofSeconds(4))
            .claimInterval(Duration.ofMillis(100))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() == 1);
      // Make the entry look lease-expired, as after a missed heartbeat.
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                redis.xclaim(
                    stream,
                    Consumer.from("workers", "c1"),
                    new XClaimArgs().idle(10_000).justid(),
                    id);
                return running.stats().reclaimSkippedInFlight() >= 1;
              });
      release.countDown();
      await().atMost(Duration.ofSeconds(5)).until(() -> running.stats().processed() == 1);
      assertThat(running.stats().reclaimed()).isZero();
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  @SuppressWarnings("unchecked") // Lettuce's xreadgroup takes generic varargs offsets
  void deadConsumersAreRemovedOnlyOnceTheyHoldNoPendingEntries() {
    List<String> ids = addJobs(2);
    redis.xgroupCreate(XReadArgs.StreamOffset.from(stream, "0"), "workers");
    redis.xreadgroup(
        Consumer.from("workers", "ghost"),
        XReadArgs.Builder.count(2),
        XReadArgs.StreamOffset.lastConsumed(stream));
    redis.xgroupCreateconsumer(stream, Consumer.from("workers", "c1"));
    ConsumerJanitor janitor =
        new ConsumerJanitor(
            builder(item -> {})
                .lease(Duration.ofMillis(100))
                .deadConsumerAfter(Duration.ofMillis(200))
                .build());
    // Idle long enough, but still holding entries: kept.
    await()
        .pollDelay(Duration.ofMillis(400))
        .atMost(Duration.ofSeconds(2))
        .until(() -> janitor.sweep(redis).isEmpty());
    assertThat(pendingCounts()).containsEntry("ghost", 2L);
    redis.xack(stream, "workers", ids.toArray(new String[0]));
    // No pending entries left: removed; the janitor's own consumer is never removed.
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> janitor.sweep(redis).equals(List.of("ghost")));
    assertThat(janitor.sweep(redis)).isEmpty();
    assertThat(redis.xinfoConsumers(stream, "workers")).hasSize(1);
  }

  private PendingMessage pending(String id) {
    return redis.xpending(stream, "workers", Range.create(id, id), Limit.from(1)).get(0);
  }

  private Map<String, Long> pendingCounts() {
    return redis.xpending(stream, "workers").getConsumerMessageCount();
  }
}
