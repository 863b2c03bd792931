package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  @Test
  void backoffGrowsExponentiallyWithinJitterAndCap() {
    RetryPolicy policy =
        new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(1), 2.0, 0.5);
    Random random = new Random(42);
    for (int i = 0; i < 1000; i++) {
      assertThat(policy.backoffAfter(1, random))
          .isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(policy.backoffAfter(3, random))
          .isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(policy.backoffAfter(9, random))
          .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(policy.backoffAfter(Long.MAX_VALUE, random))
          .isLessThanOrEqualTo(Duration.ofSeconds(1));
    }
  }

  @Test
  void jitterSpreadsDelays() {
    RetryPolicy policy = RetryPolicy.maxAttempts(3);
    Random random = new Random(7);
    long distinct =
        java.util.stream.IntStream.range(0, 100)
            .mapToObj(i -> policy.backoffAfter(2, random))
            .distinct()
            .count();
    assertThat(distinct).isGreaterThan(90);
  }

  @Test
  void attemptsLimitRetries() {
    assertThat(RetryPolicy.maxAttempts(3).retriesAfter(2)).isTrue();
    assertThat(RetryPolicy.maxAttempts(3).retriesAfter(3)).isFalse();
    assertThat(RetryPolicy.infinite().retriesAfter(1_000_000)).isTrue();
    assertThat(RetryPolicy.infinite().isInfinite()).isTrue();
  }

  @Test
  void invalidPoliciesAreRejectedWithTheFix() {
    assertThatThrownBy(() -> RetryPolicy.maxAttempts(3).withJitter(1.5))
        .hasMessageContaining("jitter 1.5");
    assertThatThrownBy(
            () ->
                RetryPolicy.maxAttempts(3)
                    .withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("initialBackoff must be >= 0 and <= maxBackoff");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ZERO, 0.5, 0))
        .hasMessageContaining("multiplier 0.5");
  }

  @Test
  void streamIdsCompareNumerically() {
    assertThat(StreamIds.compare("10-0", "9-5")).isPositive();
    assertThat(StreamIds.compare("5-10", "5-9")).isPositive();
    assertThat(StreamIds.compare("5-1", "5-1")).isZero();
    assertThat(StreamIds.next("5-1")).isEqualTo("5-2");
  }
}
