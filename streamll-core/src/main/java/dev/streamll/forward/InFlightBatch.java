package dev.streamll.forward;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One batch handed to the sink thread and not yet settled. It is queued until the sink thread
 * begins the call, running while {@code write}/{@code writeAsync} executes, handed over once an
 * asynchronous sink returned its stage, and settled when confirmed or failed. Its write timeout
 * counts from the moment the call began, so batches queued behind a slow synchronous write are not
 * charged for it.
 */
final class InFlightBatch {
  private static final Logger log = LoggerFactory.getLogger(InFlightBatch.class);
  private static final int QUEUED = 0;
  private static final int RUNNING = 1;
  private static final int HANDED_OVER = 2;
  private static final int SKIPPED = 3;

  private final Batch batch;
  private final CompletableFuture<Void> settled = new CompletableFuture<>();
  private final AtomicInteger state = new AtomicInteger(QUEUED);
  private volatile long startedAt;
  private volatile Future<?> call;
  private volatile CompletionStage<Void> stage;
  private volatile boolean interrupted;

  InFlightBatch(Batch batch) {
    this.batch = batch;
  }

  /** A batch with nothing for the sink (all filtered out): settled at once. */
  static InFlightBatch empty(Batch batch) {
    InFlightBatch empty = new InFlightBatch(batch);
    empty.state.set(HANDED_OVER);
    empty.settled.complete(null);
    return empty;
  }

  Batch batch() {
    return batch;
  }

  CompletableFuture<Void> settled() {
    return settled;
  }

  void call(Future<?> call) {
    this.call = call;
  }

  /** Called by the sink thread; false if the forwarder skipped this batch before it began. */
  boolean begin(long now) {
    startedAt = now;
    return state.compareAndSet(QUEUED, RUNNING);
  }

  void handedOver(CompletionStage<Void> stage) {
    this.stage = stage;
    state.compareAndSet(RUNNING, HANDED_OVER);
    // expire() may have run between the two writes above and missed the stage.
    Throwable timedOut = failure();
    if (timedOut instanceof TimeoutException) {
      tellSink(stage, (TimeoutException) timedOut);
    }
  }

  /** Completes this batch: confirmed when {@code failure} is null. Later calls have no effect. */
  void settle(Throwable failure) {
    if (failure == null) {
      settled.complete(null);
    } else if (failure instanceof CompletionException && failure.getCause() != null) {
      settled.completeExceptionally(failure.getCause());
    } else {
      settled.completeExceptionally(failure);
    }
  }

  /** Makes sure a batch that has not begun never will; settles it as cancelled. */
  void skipIfQueued() {
    if (state.compareAndSet(QUEUED, SKIPPED)) {
      settled.completeExceptionally(new CancellationException("an earlier batch failed"));
    }
  }

  boolean isSettled() {
    return settled.isDone();
  }

  /** Why it failed, or null if it was confirmed; only once settled. */
  Throwable failure() {
    if (!settled.isCompletedExceptionally()) {
      return null;
    }
    try {
      settled.join();
      throw new IllegalStateException("completed exceptionally, yet join returned");
    } catch (CancellationException e) {
      return e;
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }

  /** Nanoseconds left before the write timeout; {@code Long.MAX_VALUE} while not begun. */
  long nanosLeft(long now, long writeTimeoutNanos) {
    int current = state.get();
    if (current == QUEUED || current == SKIPPED) {
      return Long.MAX_VALUE;
    }
    return writeTimeoutNanos - (now - startedAt);
  }

  /**
   * Fails this batch with {@code timeout}, and the stage an asynchronous sink returned for it; if
   * the sink call itself is still running, interrupts it and remembers that the sink thread may now
   * be stuck.
   */
  void expire(TimeoutException timeout) {
    settled.completeExceptionally(timeout);
    CompletionStage<Void> handed = stage;
    if (handed != null) {
      tellSink(handed, timeout);
    }
    Future<?> running = call;
    if (state.get() == RUNNING && running != null) {
      interrupted = true;
      running.cancel(true);
    }
  }

  /**
   * Tells an asynchronous sink that this batch was given up, so it can drop the connection it was
   * sent on rather than send the resend into the same silence. A stage that cannot be completed
   * from outside is left alone: the forwarder has already moved on.
   */
  private static void tellSink(CompletionStage<Void> stage, TimeoutException timeout) {
    try {
      stage.toCompletableFuture().completeExceptionally(timeout);
    } catch (UnsupportedOperationException e) {
      log.debug("the sink's stage cannot be completed from outside: {}", e.toString());
    }
  }

  /** True if {@link #expire} had to interrupt the sink call. */
  boolean interruptedSinkCall() {
    return interrupted;
  }
}
