package dev.streamll.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void ceilingDoublesUpToTheCapAndNeverOverflows() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));

    assertThat(backoff.ceilingNanos(0)).isEqualTo(Duration.ofMillis(100).toNanos());
    assertThat(backoff.ceilingNanos(3)).isEqualTo(Duration.ofMillis(800).toNanos());
    assertThat(backoff.ceilingNanos(7)).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(backoff.ceilingNanos(500)).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void delaysAreJitteredWithinTheCeiling() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10));
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 1000; i++) {
      long delay = backoff.delayNanos(2);
      min = Math.min(min, delay);
      max = Math.max(max, delay);
    }
    assertThat(min).isGreaterThanOrEqualTo(0).isLessThan(Duration.ofMillis(100).toNanos());
    assertThat(max)
        .isLessThanOrEqualTo(Duration.ofMillis(400).toNanos())
        .isGreaterThan(Duration.ofMillis(300).toNanos());
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("max");
  }
}
