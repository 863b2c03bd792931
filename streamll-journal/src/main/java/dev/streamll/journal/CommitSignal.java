package dev.streamll.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A monotonically growing sequence that threads can wait on. Publishing costs one volatile write
 * unless someone waits; waiters spin briefly (a tailer is usually only microseconds behind) and
 * then block on a condition, so nobody sleeps in a polling loop.
 */
final class CommitSignal {
  private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(20);

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition advanced = lock.newCondition();
  private volatile long value;
  private volatile int waiters;
  private volatile boolean closed;

  CommitSignal(long initial) {
    this.value = initial;
  }

  long get() {
    return value;
  }

  /** Only the single writer thread (or a thread holding the writer's role) calls this. */
  void publish(long newValue) {
    value = newValue;
    if (waiters > 0) {
      wakeAll();
    }
  }

  /**
   * Raises the value to {@code newValue} unless it is already higher; safe when several threads
   * publish (the writer and the interval syncer both advance the durable point).
   */
  synchronized void advance(long newValue) {
    if (newValue > value) {
      publish(newValue);
    }
  }

  void close() {
    closed = true;
    wakeAll();
  }

  private void wakeAll() {
    lock.lock();
    try {
      advanced.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until the value is at least {@code target}; false on timeout, interrupt or close. */
  boolean await(long target, long timeoutNanos) {
    if (value >= target) {
      return true;
    }
    long start = System.nanoTime();
    long spinUntil = start + Math.min(SPIN_NANOS, timeoutNanos);
    while (System.nanoTime() - spinUntil < 0) {
      if (value >= target) {
        return true;
      }
      if (closed) {
        return false;
      }
      Thread.onSpinWait();
    }
    long remaining = timeoutNanos - (System.nanoTime() - start);
    lock.lock();
    try {
      waiters++;
      try {
        while (value < target) {
          if (closed || remaining <= 0) {
            return false;
          }
          remaining = advanced.awaitNanos(remaining);
        }
        return true;
      } finally {
        waiters--;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }
}
