package dev.streamll.forward;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Capped exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And
 * Jitter"): attempt {@code n} waits a uniform random time in {@code [0, min(max, initial·2ⁿ)]},
 * which spreads retries of many clients instead of synchronising them.
 */
public final class Backoff {
  private final long initialNanos;
  private final long maxNanos;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < initial <= max, was initial=" + initial + " max=" + max);
    }
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The ceiling for attempt {@code attempt} (0-based), before jitter. */
  public long ceilingNanos(int attempt) {
    int shift = Math.min(attempt, 62);
    long ceiling = initialNanos << shift;
    return (ceiling <= 0 || ceiling >>> shift != initialNanos)
        ? maxNanos
        : Math.min(maxNanos, ceiling);
  }

  /** A jittered delay for attempt {@code attempt} (0-based). */
  public long delayNanos(int attempt) {
    return ThreadLocalRandom.current().nextLong(ceilingNanos(attempt) + 1);
  }
}
