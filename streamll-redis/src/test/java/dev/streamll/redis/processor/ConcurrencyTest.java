package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ConcurrencyTest extends RedisStreams {

  @Test
  void atMostConcurrencyHandlersRunEvenWhenABatchIsLarger() {
    assertMaxConcurrency(3, 50, 120);
  }

  @Test
  void concurrencyOneRunsHandlersOneAtATime() {
    assertMaxConcurrency(1, 20, 30);
  }

  private void assertMaxConcurrency(int concurrency, int batchSize, int entries) {
    addJobs(entries);
    AtomicInteger active = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    try (ProcessorHandle running =
        builder(
                item -> {
                  int now = active.incrementAndGet();
                  max.accumulateAndGet(now, Math::max);
                  Thread.sleep(10); // simulated work, long enough for handlers to overlap
                  active.decrementAndGet();
                })
            .concurrency(concurrency)
            .batchSize(batchSize)
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(20)).until(() -> running.stats().processed() == entries);
    }
    assertThat(max).hasValue(concurrency);
  }
}
