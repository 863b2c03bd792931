package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ShutdownTest extends RedisStreams {

  @Test
  void runningHandlersFinishAndAreAcknowledgedBeforeTheDeadline() {
    addJobs(5);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger started = new AtomicInteger();
    ProcessorHandle running =
        builder(
                item -> {
                  started.incrementAndGet();
                  release.await();
                })
            .concurrency(5)
            .build()
            .start();
    await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 5);
    Thread releaser =
        new Thread(
            () -> {
              await().until(() -> running.stats().running() == 5);
              release.countDown();
            });
    releaser.start();
    ShutdownReport report = running.close(Duration.ofSeconds(10));
    assertThat(report.drained()).isTrue();
    assertThat(report.handedBack()).isZero();
    assertThat(running.stats().processed()).isEqualTo(5);
    assertThat(redis.xpending(stream, "workers").getCount()).isZero();
    assertThat(running.close(Duration.ZERO)).isSameAs(report);
  }

  @Test
  void unfinishedEntriesArePendingUnacknowledgedAndTakenOverAtOnce() {
    addJobs(10);
    AtomicInteger interrupted = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    ProcessorHandle stuck =
        builder(
                item -> {
                  started.incrementAndGet();
                  try {
                    new CountDownLatch(1).await();
                  } catch (InterruptedException e) {
                    interrupted.incrementAndGet();
                    throw e;
                  }
                })
            .concurrency(2)
            .batchSize(10)
            .lease(Duration.ofSeconds(10))
            .build()
            .start();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> started.get() == 2 && stuck.stats().held() == 10);
    ShutdownReport report = stuck.close(Duration.ofMillis(300));
    assertThat(report.drained()).isFalse();
    assertThat(report.handedBack()).isEqualTo(10);
    assertThat(redis.xpending(stream, "workers").getCount()).isEqualTo(10);
    assertThat(redis.xlen(stream)).isEqualTo(10);
    await().atMost(Duration.ofSeconds(5)).until(() -> interrupted.get() == 2);
    assertThat(started).hasValue(2);

    long start = System.nanoTime();
    try (ProcessorHandle successor =
        builder(item -> {})
            .consumer("c2")
            .lease(Duration.ofSeconds(10))
            .claimInterval(Duration.ofMillis(100))
            .build()
            .start()) {
      // Handed back with their idle time at the lease: no need to wait the 10 s lease out.
      await().atMost(Duration.ofSeconds(8)).until(() -> successor.stats().processed() == 10);
      assertThat(successor.stats().reclaimed()).isEqualTo(10);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(redis.xpending(stream, "workers").getCount()).isZero();
  }

  @Test
  void leasesAreKeptAliveWhileHandlersDrainDuringClose() {
    addJobs(1);
    AtomicInteger calls = new AtomicInteger();
    EntryHandler<Job> slow =
        item -> {
          calls.incrementAndGet();
          Thread.sleep(2500); // simulated work longer than two leases
        };
    ProcessorHandle owner = builder(slow).lease(Duration.ofSeconds(1)).build().start();
    await().atMost(Duration.ofSeconds(10)).until(() -> calls.get() == 1);
    try (ProcessorHandle rival =
        builder(slow)
            .consumer("c2")
            .lease(Duration.ofSeconds(1))
            .claimInterval(Duration.ofMillis(100))
            .build()
            .start()) {
      ShutdownReport report = owner.close(Duration.ofSeconds(10));
      assertThat(report.drained()).isTrue();
      assertThat(owner.stats().processed()).isEqualTo(1);
      assertThat(owner.stats().leaseLost()).isZero();
      assertThat(rival.stats().reclaimed()).isZero();
    } finally {
      owner.close(Duration.ZERO);
    }
    assertThat(calls).hasValue(1);
  }
}
