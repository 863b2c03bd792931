package dev.streamll.redis.processor;

import java.time.Duration;
import java.util.Objects;
import java.util.Random;

/**
 * How often a failing entry is attempted and how long to wait between attempts.
 *
 * <p>Attempts are counted by Redis (the entry's delivery count), so they survive restarts and
 * include deliveries to consumers that died mid-attempt. The delay before attempt {@code n + 1} is
 * {@code min(maxBackoff, initialBackoff × multiplier^(n-1))} reduced by a random share of up to
 * {@code jitter} (0.5: between half and all of it), so entries that failed together do not retry
 * together.
 *
 * @param maxAttempts attempts before dead-lettering; {@link #INFINITE} retries forever
 * @param initialBackoff the delay after the first failure
 * @param maxBackoff the longest delay
 * @param multiplier growth per attempt, at least 1
 * @param jitter share of the delay taken away at random, 0..1
 */
public record RetryPolicy(
    long maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter) {

  /** {@link #maxAttempts()} of a policy that never gives up. */
  public static final long INFINITE = Long.MAX_VALUE;

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException(
          "retry maxAttempts is " + maxAttempts + ": use at least 1, or RetryPolicy.infinite()");
    }
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry backoff "
              + initialBackoff
              + ".."
              + maxBackoff
              + " is invalid: initialBackoff must be >= 0 and <= maxBackoff");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("retry multiplier " + multiplier + " must be >= 1");
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("retry jitter " + jitter + " must be within 0..1");
    }
  }

  /** Up to {@code attempts} attempts, backoff 100 ms doubling to 30 s, jitter 0.5. */
  public static RetryPolicy maxAttempts(long attempts) {
    return new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofSeconds(30), 2.0, 0.5);
  }

  /** Retries forever, backoff 100 ms doubling to 30 s, jitter 0.5. */
  public static RetryPolicy infinite() {
    return maxAttempts(INFINITE);
  }

  /** The same policy with other backoff bounds. */
  public RetryPolicy withBackoff(Duration initial, Duration max) {
    return new RetryPolicy(maxAttempts, initial, max, multiplier, jitter);
  }

  /** The same policy with another jitter share. */
  public RetryPolicy withJitter(double share) {
    return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, multiplier, share);
  }

  public boolean isInfinite() {
    return maxAttempts == INFINITE;
  }

  /** Whether another attempt follows a failed attempt number {@code attempt}. */
  public boolean retriesAfter(long attempt) {
    return attempt < maxAttempts;
  }

  /** The wait after failed attempt number {@code attempt} (1-based). */
  public Duration backoffAfter(long attempt, Random random) {
    double nanos = initialBackoff.toNanos();
    double cap = maxBackoff.toNanos();
    for (long i = 1; i < attempt && nanos < cap; i++) {
      nanos *= multiplier;
    }
    nanos = Math.min(nanos, cap);
    nanos -= nanos * jitter * random.nextDouble();
    return Duration.ofNanos((long) nanos);
  }
}
