package dev.streamll.redis;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Up to {@link RedisSink#FLUSH_EVERY} {@code XADD}s of one batch, dispatched and flushed together,
 * whose replies are counted as they arrive on whichever thread completes them. One timer per chunk
 * replaces Lettuce's timer per command: if replies are still missing when it fires, {@link
 * Listener#expired} is told, which closes the connection and thereby fails every command still
 * outstanding on it.
 */
final class ReplyChunk {
  /** What a chunk reports to: its batch. */
  interface Listener {
    /** An entry of the chunk was not written because of {@code cause}. */
    void entryFailed(Throwable cause);

    /** Every entry of the chunk has an outcome; {@code permits} may be reused. */
    void settled(int permits);

    /** The chunk's replies did not all arrive in time. */
    void expired();
  }

  private final Listener listener;
  private final int permits;

  /** Entries without an outcome, plus one held by the writer until it has dispatched them all. */
  private final AtomicInteger pending = new AtomicInteger();

  /** Written by the writer before it releases its hold, so whoever settles last sees it. */
  private Timeout expiry;

  ReplyChunk(Listener listener, int permits) {
    this.listener = listener;
    this.permits = permits;
  }

  /** Called by the writer before dispatching the chunk's {@code entries} commands. */
  void expect(int entries) {
    pending.set(entries + 1);
  }

  /** Called by the writer once the commands are dispatched and flushed. */
  void dispatched(Timer timer, long timeoutNanos) {
    expiry = timer.newTimeout(this::expire, timeoutNanos, TimeUnit.NANOSECONDS);
    release();
  }

  /** One entry has its outcome: written ({@code cause} null) or not. */
  void settled(Throwable cause) {
    if (cause != null) {
      listener.entryFailed(cause);
    }
    release();
  }

  private void release() {
    if (pending.decrementAndGet() == 0) {
      expiry.cancel();
      listener.settled(permits);
    }
  }

  private void expire(Timeout timeout) {
    if (pending.get() > 0) {
      listener.expired();
    }
  }
}
