package dev.streamll.forward;

import java.time.Duration;

/**
 * Opens after {@code failureThreshold} consecutive failures, stays open for {@code
 * recoveryTimeout}, then lets exactly one probe through (half-open): success closes it, failure
 * opens it again for another full timeout. Thread-safe; time comes from the injected clock.
 */
public final class CircuitBreaker {
  private final int failureThreshold;
  private final long recoveryNanos;
  private final MonotonicClock clock;

  private CircuitState state = CircuitState.CLOSED;
  private int consecutiveFailures;
  private long openedAt;
  private boolean probeInFlight;

  public CircuitBreaker(int failureThreshold, Duration recoveryTimeout, MonotonicClock clock) {
    if (failureThreshold < 1) {
      throw new IllegalArgumentException("failureThreshold must be >= 1, was " + failureThreshold);
    }
    this.failureThreshold = failureThreshold;
    this.recoveryNanos = recoveryTimeout.toNanos();
    this.clock = clock;
  }

  /**
   * Whether a batch may be attempted now. In the open state this turns half-open once the recovery
   * timeout has passed and admits that single probe.
   */
  public synchronized boolean tryAcquire() {
    switch (state) {
      case CLOSED:
        return true;
      case OPEN:
        if (clock.nanoTime() - openedAt >= recoveryNanos) {
          state = CircuitState.HALF_OPEN;
          probeInFlight = true;
          return true;
        }
        return false;
      case HALF_OPEN:
      default:
        if (probeInFlight) {
          return false;
        }
        probeInFlight = true;
        return true;
    }
  }

  /** Nanoseconds until {@link #tryAcquire()} can next succeed; 0 when it can now. */
  public synchronized long nanosUntilRetry() {
    if (state != CircuitState.OPEN) {
      return 0;
    }
    return Math.max(0, recoveryNanos - (clock.nanoTime() - openedAt));
  }

  public synchronized void onSuccess() {
    consecutiveFailures = 0;
    probeInFlight = false;
    state = CircuitState.CLOSED;
  }

  public synchronized void onFailure() {
    consecutiveFailures++;
    probeInFlight = false;
    if (state == CircuitState.HALF_OPEN || consecutiveFailures >= failureThreshold) {
      state = CircuitState.OPEN;
      openedAt = clock.nanoTime();
    }
  }

  public synchronized CircuitState state() {
    return state;
  }

  public synchronized int consecutiveFailures() {
    return consecutiveFailures;
  }
}
