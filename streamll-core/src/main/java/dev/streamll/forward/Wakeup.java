package dev.streamll.forward;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the forwarder's dispatch thread when anything it waits for happened: a batch was read, a
 * write settled, the forwarder is closing. A signal that arrives before the wait is not lost.
 */
final class Wakeup {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition signalled = lock.newCondition();
  private boolean pending;

  void signal() {
    lock.lock();
    try {
      pending = true;
      signalled.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until signalled or {@code nanos} passed; keeps the interrupt flag if interrupted. */
  void await(long nanos) {
    lock.lock();
    try {
      if (!pending && nanos > 0) {
        signalled.awaitNanos(nanos);
      }
      pending = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}
