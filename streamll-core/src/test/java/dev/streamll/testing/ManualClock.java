package dev.streamll.testing;

import dev.streamll.forward.MonotonicClock;
import java.time.Duration;

/** A clock that moves only when a test advances it; sleepers wake when their time is reached. */
public final class ManualClock implements MonotonicClock {
  private long now;

  @Override
  public synchronized long nanoTime() {
    return now;
  }

  public synchronized void advance(Duration duration) {
    now += duration.toNanos();
    notifyAll();
  }

  @Override
  public synchronized void sleep(long nanos) {
    long until = now + nanos;
    while (now < until) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
