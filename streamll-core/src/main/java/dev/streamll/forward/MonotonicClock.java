package dev.streamll.forward;

import java.util.concurrent.locks.LockSupport;

/**
 * The single source of time for forwarders, backoff and the circuit breaker. Tests substitute a
 * manual clock so that "30 seconds later" takes no real time.
 */
public interface MonotonicClock {

  /** Nanoseconds from an arbitrary origin; only differences mean anything. */
  long nanoTime();

  /**
   * Waits about {@code nanos} of this clock's time, or less if the thread is interrupted (the
   * interrupt flag stays set).
   */
  void sleep(long nanos);

  /** The system clock: {@link System#nanoTime()} and {@link LockSupport#parkNanos}. */
  static MonotonicClock system() {
    return SystemClock.INSTANCE;
  }

  /** The system clock. */
  enum SystemClock implements MonotonicClock {
    INSTANCE;

    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void sleep(long nanos) {
      long deadline = System.nanoTime() + nanos;
      long remaining = nanos;
      while (remaining > 0 && !Thread.currentThread().isInterrupted()) {
        LockSupport.parkNanos(this, remaining);
        remaining = deadline - System.nanoTime();
      }
    }
  }
}
