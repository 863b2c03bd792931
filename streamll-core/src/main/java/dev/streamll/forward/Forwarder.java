package dev.streamll.forward;

import dev.streamll.event.EventCodec;
import dev.streamll.journal.Cursor;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalException;
import dev.streamll.sink.Sink;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events from the journal to one sink and keeps several batches in flight: a reader thread
 * gathers batches of up to {@code maxBatchSize} records for at most {@code linger}; this
 * forwarder's dispatch thread hands up to {@code maxInFlightBatches} of them to the sink thread
 * without waiting for earlier confirmations, and commits the durable cursor strictly in order, each
 * time the oldest outstanding batch is confirmed. A plain {@link Sink} still writes one batch after
 * another (its {@code write} returns when confirmed); an {@link dev.streamll.sink.AsyncSink}
 * pipelines them.
 *
 * <p>When a batch fails or overstays {@code writeTimeout}, the forwarder lets every other
 * outstanding batch settle, then resends that batch and all later ones, one batch at a time until
 * one is confirmed (go-back-N: at-least-once, in order). Failures are retried with capped
 * exponential backoff and full jitter; after {@code failureThreshold} consecutive failures the
 * circuit opens and one probe is let through per {@code recoveryTimeout}. While a sink is down its
 * events simply stay in the journal: the lagging cursor is the buffer.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
  private static final long IDLE_WAIT_NANOS = Duration.ofMillis(50).toNanos();

  private final Sink sink;
  private final Journal journal;
  private final Cursor cursor;
  private final ForwarderOptions options;
  private final MonotonicClock clock;
  private final CircuitBreaker breaker;
  private final Backoff backoff;
  private final Wakeup wakeup = new Wakeup();
  private final SinkThread sinkThread;
  private final JournalBatcher batcher;
  private final Thread readerThread;
  private final Thread thread;

  private final ReentrantLock progressLock = new ReentrantLock();
  private final Condition progressed = progressLock.newCondition();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();

  /** Read but not confirmed, to be sent before anything new: the batches behind a failure. */
  private final Deque<Batch> resend = new ArrayDeque<>();

  /** Handed to the sink thread, oldest first, with filtered-out batches waiting their turn. */
  private final Deque<InFlightBatch> inFlight = new ArrayDeque<>();

  private boolean recovering;
  private int attempt;
  private volatile boolean running;
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  /**
   * Creates a forwarder; {@link #start()} launches its threads.
   *
   * @param cursorName the durable cursor; a new cursor starts at the journal's end, so a sink added
   *     later does not receive history (use replay for that)
   */
  public Forwarder(
      Sink sink,
      Journal journal,
      String cursorName,
      ForwarderOptions options,
      EventCodec codec,
      MonotonicClock clock) {
    this.sink = sink;
    this.journal = journal;
    this.cursor = journal.cursor(cursorName, journal.nextSequence());
    this.options = options;
    this.clock = clock;
    this.breaker = new CircuitBreaker(options.failureThreshold(), options.recoveryTimeout(), clock);
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    this.sinkThread = new SinkThread(sink, clock, wakeup);
    this.batcher =
        new JournalBatcher(journal, cursor.position(), options, codec, clock, sink.name(), wakeup);
    this.readerThread = new Thread(batcher, "streamll-reader-" + sink.name());
    readerThread.setDaemon(true);
    this.thread = new Thread(this::run, "streamll-forwarder-" + sink.name());
    thread.setDaemon(true);
  }

  /**
   * Starts the sink now, on the calling thread, so configuration errors surface at configure time.
   * The forwarder will not start it again.
   *
   * @throws Exception whatever {@link Sink#start()} threw
   */
  public void startSinkNow() throws Exception {
    sinkThread.startNow();
  }

  public void start() {
    running = true;
    readerThread.start();
    thread.start();
  }

  public Sink sink() {
    return sink;
  }

  public String cursorName() {
    return cursor.name();
  }

  private void run() {
    try {
      while (!mustGiveUp()) {
        if (settleOldest() || sendNext()) {
          continue;
        }
        if (batcher.exhausted() && resend.isEmpty() && inFlight.isEmpty()) {
          break;
        }
        wakeup.await(waitNanos());
      }
      JournalException failure = batcher.failure();
      if (failure != null) {
        recordError("journal read failed: " + failure.getMessage());
        log.error("forwarder for {} stopped: {}", sink.name(), failure.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      recordError("forwarder stopped: " + describe(e));
      log.error("forwarder for {} stopped by an unexpected error", sink.name(), e);
    } finally {
      running = false;
      readerThread.interrupt();
      signalProgress();
    }
  }

  private long waitNanos() {
    InFlightBatch oldest = inFlight.peekFirst();
    if (oldest == null) {
      return IDLE_WAIT_NANOS;
    }
    long left = oldest.nanosLeft(clock.nanoTime(), options.writeTimeout().toNanos());
    return Math.max(1, Math.min(left, IDLE_WAIT_NANOS));
  }

  /**
   * Settles outstanding batches from the oldest on while they are done or past their timeout:
   * confirmed ones move the cursor (once, to the end of the last), a failed one is handled. Returns
   * whether anything happened.
   */
  private boolean settleOldest() throws InterruptedException {
    long confirmedEnd = -1;
    InFlightBatch oldest;
    while ((oldest = inFlight.peekFirst()) != null
        && (oldest.isSettled() || expireIfOverdue(oldest))) {
      Throwable failure = oldest.failure();
      if (failure != null) {
        if (confirmedEnd >= 0) {
          commit(confirmedEnd);
        }
        failed(failure);
        abandonInFlight();
        if (!mustGiveUp()) {
          pause(backoff.delayNanos(attempt++));
        }
        return true;
      }
      inFlight.pollFirst();
      if (!oldest.batch().isEmpty()) {
        confirmed(oldest.batch());
      }
      confirmedEnd = oldest.batch().end();
    }
    if (confirmedEnd < 0) {
      return false;
    }
    commit(confirmedEnd);
    return true;
  }

  private boolean expireIfOverdue(InFlightBatch batch) {
    if (batch.nanosLeft(clock.nanoTime(), options.writeTimeout().toNanos()) > 0) {
      return false;
    }
    batch.expire(
        new TimeoutException(
            "sink "
                + sink.name()
                + " did not confirm a batch of "
                + batch.batch().size()
                + " within writeTimeout "
                + options.writeTimeout()));
    return true;
  }

  private void confirmed(Batch batch) {
    breaker.onSuccess();
    delivered.addAndGet(batch.size());
    if (recovering) {
      log.info("sink {} recovered after {} failed attempt(s)", sink.name(), attempt);
      recovering = false;
      attempt = 0;
    }
  }

  private void failed(Throwable error) {
    failedAttempts.incrementAndGet();
    String message = describe(error);
    recordError(message);
    CircuitState before = breaker.state();
    breaker.onFailure();
    if (!recovering) {
      log.warn("sink {} failed; retrying with backoff: {}", sink.name(), message);
    } else if (before == CircuitState.HALF_OPEN) {
      log.debug("sink {}: probe failed, circuit stays OPEN: {}", sink.name(), message);
    }
    if (before == CircuitState.CLOSED && breaker.state() == CircuitState.OPEN) {
      log.warn(
          "sink {}: circuit OPEN after {} consecutive failures; events wait in the journal."
              + " Last error: {}",
          sink.name(),
          breaker.consecutiveFailures(),
          message);
    }
    recovering = true;
  }

  /**
   * After a failure: waits until every outstanding batch has settled (or timed out), so that no
   * write of an abandoned batch races its resend, then queues them all for resending in order.
   */
  private void abandonInFlight() throws InterruptedException {
    for (InFlightBatch batch : inFlight) {
      batch.skipIfQueued();
    }
    for (InFlightBatch batch : inFlight) {
      while (!batch.isSettled() && !expireIfOverdue(batch)) {
        if (mustGiveUp()) {
          return;
        }
        wakeup.await(
            Math.min(
                batch.nanosLeft(clock.nanoTime(), options.writeTimeout().toNanos()),
                IDLE_WAIT_NANOS));
      }
    }
    boolean interrupted = false;
    for (Iterator<InFlightBatch> newestFirst = inFlight.descendingIterator();
        newestFirst.hasNext(); ) {
      InFlightBatch batch = newestFirst.next();
      interrupted |= batch.interruptedSinkCall();
      resend.addFirst(batch.batch());
    }
    inFlight.clear();
    if (interrupted) {
      sinkThread.replace();
    }
    sinkThread.resume();
  }

  /** Hands the next batch to the sink if the window allows; returns whether anything happened. */
  private boolean sendNext() {
    int window = recovering ? 1 : options.maxInFlightBatches();
    if (sentToSink() >= window) {
      return false;
    }
    Batch next = resend.pollFirst();
    if (next == null) {
      next = batcher.poll();
    }
    if (next == null) {
      return false;
    }
    if (next.isEmpty()) {
      // Consecutive filtered-out batches merge, so they cannot pile up behind a slow batch.
      InFlightBatch newest = inFlight.peekLast();
      if (newest != null && newest.batch().isEmpty()) {
        inFlight.pollLast();
      }
      inFlight.addLast(InFlightBatch.empty(next));
      return true;
    }
    if (!breaker.tryAcquire()) {
      resend.addFirst(next);
      pause(breaker.nanosUntilRetry());
      return true;
    }
    inFlight.addLast(sinkThread.submit(next));
    return true;
  }

  /** Batches in {@link #inFlight} that the sink has to confirm (filtered-out ones do not count). */
  private int sentToSink() {
    int sent = 0;
    for (InFlightBatch batch : inFlight) {
      if (!batch.batch().isEmpty()) {
        sent++;
      }
    }
    return sent;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getName() : message;
  }

  private boolean mustGiveUp() {
    return Thread.currentThread().isInterrupted()
        || (stopping && clock.nanoTime() - stopDeadline >= 0);
  }

  /**
   * Waits {@code nanos} of the clock's time in slices, so that a {@link #close} arriving during a
   * long backoff or an open circuit cuts the wait short instead of overrunning its deadline.
   */
  private void pause(long nanos) {
    long until = clock.nanoTime() + nanos;
    long left;
    while ((left = until - clock.nanoTime()) > 0 && !mustGiveUp()) {
      if (stopping) {
        left = Math.min(left, stopDeadline - clock.nanoTime());
      }
      clock.sleep(Math.min(left, IDLE_WAIT_NANOS));
    }
  }

  /**
   * Moves the cursor; a failing cursor write (a full or failing disk) is retried with backoff,
   * since the batches are confirmed and only their bookkeeping is missing.
   */
  private void commit(long end) {
    int attempt = 0;
    while (true) {
      try {
        cursor.commit(end);
        break;
      } catch (JournalException e) {
        recordError("cursor commit failed: " + e.getMessage());
        log.warn("sink {}: cursor commit failed, retrying: {}", sink.name(), e.getMessage());
        if (mustGiveUp()) {
          return;
        }
        pause(backoff.delayNanos(attempt++));
      }
    }
    signalProgress();
  }

  private void signalProgress() {
    progressLock.lock();
    try {
      progressed.signalAll();
    } finally {
      progressLock.unlock();
    }
  }

  private void recordError(String message) {
    lastError = message;
    lastErrorAt = Instant.now();
  }

  /**
   * Waits until this sink confirmed (or filtered out) every event below {@code sequence}.
   *
   * @return true if it did before the timeout
   */
  public boolean awaitDelivered(long sequence, Duration timeout) {
    long remaining = timeout.toNanos();
    progressLock.lock();
    try {
      while (cursor.position() < sequence) {
        if (remaining <= 0 || !running) {
          return cursor.position() >= sequence;
        }
        remaining = progressed.awaitNanos(remaining);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      progressLock.unlock();
    }
  }

  /** Events below {@code sequence} this sink has not confirmed yet. */
  public long outstanding(long sequence) {
    return Math.max(0, sequence - cursor.position());
  }

  public SinkHealth health() {
    return new SinkHealth(
        sink.name(),
        running,
        breaker.state(),
        Math.max(0, journal.nextSequence() - cursor.position()),
        delivered.get(),
        failedAttempts.get(),
        Map.of("journal_full", cursor.dropped(), "undecodable", batcher.undecodable()),
        lastError,
        lastErrorAt);
  }

  /**
   * Delivers what the journal holds until {@code deadline}, then stops the thread and closes the
   * sink. Events not confirmed by then stay in the journal for the next start.
   */
  public void close(Duration deadline) {
    stopDeadline = clock.nanoTime() + deadline.toNanos();
    batcher.stop(stopDeadline);
    stopping = true;
    wakeup.signal();
    try {
      if (thread.isAlive()) {
        thread.join(Math.max(1, deadline.toMillis()) + 1000);
        if (thread.isAlive()) {
          thread.interrupt();
          thread.join(5000);
        }
      }
      readerThread.interrupt();
      readerThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sinkThread.shutdown();
      try {
        sink.close();
      } catch (Exception e) {
        log.warn("closing sink {} failed: {}", sink.name(), describe(e));
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }
}
