package dev.streamll.forward;

import dev.streamll.event.EventCodec;
import dev.streamll.journal.Cursor;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalException;
import dev.streamll.journal.JournalReader;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves events from the journal to one sink: its own durable cursor, batches of up to {@code
 * maxBatchSize} gathered for at most {@code linger}, {@code Sink.write} on a dedicated thread under
 * a timeout, the cursor committed only after the sink confirmed. Failures are retried with capped
 * exponential backoff and full jitter; after {@code failureThreshold} consecutive failures the
 * circuit opens and one probe is let through per {@code recoveryTimeout}. While a sink is down its
 * events simply stay in the journal: the lagging cursor is the buffer.
 */
public final class Forwarder implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Forwarder.class);
  private static final Duration IDLE_WAIT = Duration.ofMillis(50);

  private final Sink sink;
  private final Journal journal;
  private final Cursor cursor;
  private final ForwarderOptions options;
  private final EventCodec codec;
  private final MonotonicClock clock;
  private final CircuitBreaker breaker;
  private final Backoff backoff;
  private final Thread thread;

  private final ReentrantLock progressLock = new ReentrantLock();
  private final Condition progressed = progressLock.newCondition();
  private final AtomicLong delivered = new AtomicLong();
  private final AtomicLong failedAttempts = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();

  private ExecutorService writer;
  private volatile boolean sinkStarted;
  private volatile boolean running;
  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  /**
   * Creates a forwarder; {@link #start()} launches its thread.
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
    this.codec = codec;
    this.clock = clock;
    this.breaker = new CircuitBreaker(options.failureThreshold(), options.recoveryTimeout(), clock);
    this.backoff = new Backoff(options.initialBackoff(), options.maxBackoff());
    this.writer = newWriter();
    this.thread = new Thread(this::run, "streamll-forwarder-" + sink.name());
    thread.setDaemon(true);
  }

  private ExecutorService newWriter() {
    return Executors.newSingleThreadExecutor(
        task -> {
          Thread t = new Thread(task, "streamll-sink-" + sink.name());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * Starts the sink now, on the calling thread, so configuration errors surface at configure time.
   * The forwarder will not start it again.
   *
   * @throws Exception whatever {@link Sink#start()} threw
   */
  public void startSinkNow() throws Exception {
    sink.start();
    sinkStarted = true;
  }

  public void start() {
    running = true;
    thread.start();
  }

  public Sink sink() {
    return sink;
  }

  public String cursorName() {
    return cursor.name();
  }

  private void run() {
    try (JournalReader reader = journal.reader(cursor.position())) {
      List<EncodedEvent> batch = new ArrayList<>(options.maxBatchSize());
      while (!shouldExit(reader)) {
        batch.clear();
        long end = collect(reader, batch);
        if (end < 0) {
          continue;
        }
        if (!batch.isEmpty() && !deliver(batch)) {
          break;
        }
        commit(end);
      }
    } catch (JournalException e) {
      recordError("journal read failed: " + e.getMessage());
      log.error("forwarder for {} stopped: {}", sink.name(), e.getMessage());
    } finally {
      running = false;
      signalProgress();
    }
  }

  private boolean shouldExit(JournalReader reader) {
    if (Thread.currentThread().isInterrupted()) {
      return true;
    }
    if (!stopping) {
      return false;
    }
    return reader.position() >= journal.nextSequence() || clock.nanoTime() - stopDeadline > 0;
  }

  /**
   * Reads up to a batch; returns the sequence after the last record read, or -1 if none arrived.
   */
  private long collect(JournalReader reader, List<EncodedEvent> batch) {
    long[] end = {-1};
    int max = options.maxBatchSize();
    int[] read = {0};
    var handler =
        (dev.streamll.journal.RecordHandler)
            (sequence, timestampMicros, payload) -> {
              end[0] = sequence + 1;
              read[0]++;
              EncodedEvent event = new EncodedEvent(sequence, copy(payload), codec);
              if (accepts(event)) {
                batch.add(event);
              }
            };
    reader.read(max, handler);
    if (read[0] == 0) {
      reader.await(IDLE_WAIT);
      reader.read(max, handler);
      if (read[0] == 0) {
        return -1;
      }
    }
    long lingerDeadline = clock.nanoTime() + options.linger().toNanos();
    while (read[0] < max && !stopping) {
      long remaining = lingerDeadline - clock.nanoTime();
      if (remaining <= 0 || !reader.await(Duration.ofNanos(remaining))) {
        break;
      }
      reader.read(max - read[0], handler);
    }
    return end[0];
  }

  private static byte[] copy(ByteBuffer payload) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    return bytes;
  }

  private boolean accepts(EncodedEvent event) {
    if (options.filter() == EventFilter.ALL) {
      return true;
    }
    try {
      return options.filter().test(event.event());
    } catch (IllegalArgumentException e) {
      undecodable.incrementAndGet();
      log.error(
          "journal record {} is not a valid event and is skipped for {}: {}",
          event.sequence(),
          sink.name(),
          e.getMessage());
      return false;
    }
  }

  /** Delivers {@code batch}, retrying until confirmed; false only when told to stop first. */
  private boolean deliver(List<EncodedEvent> batch) {
    int attempt = 0;
    while (true) {
      if (!breaker.tryAcquire()) {
        if (mustGiveUp()) {
          return false;
        }
        pause(breaker.nanosUntilRetry());
        continue;
      }
      CircuitState before = breaker.state();
      try {
        callSink(batch);
        breaker.onSuccess();
        delivered.addAndGet(batch.size());
        if (before != CircuitState.CLOSED || attempt > 0) {
          log.info("sink {} recovered after {} failed attempt(s)", sink.name(), attempt);
        }
        return true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      } catch (Exception e) {
        failedAttempts.incrementAndGet();
        String message = describe(e);
        recordError(message);
        breaker.onFailure();
        if (attempt == 0) {
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
      }
      if (mustGiveUp()) {
        return false;
      }
      pause(backoff.delayNanos(attempt++));
    }
  }

  private void callSink(List<EncodedEvent> batch) throws Exception {
    Future<?> call =
        writer.submit(
            () -> {
              if (!sinkStarted) {
                sink.start();
                sinkStarted = true;
              }
              sink.write(List.copyOf(batch));
              return null;
            });
    try {
      call.get(options.writeTimeout().toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception) {
        throw (Exception) cause;
      }
      throw new IllegalStateException("sink " + sink.name() + " threw " + cause, cause);
    } catch (TimeoutException e) {
      call.cancel(true);
      replaceWriter();
      throw new TimeoutException(
          "sink "
              + sink.name()
              + " did not confirm a batch of "
              + batch.size()
              + " within writeTimeout "
              + options.writeTimeout());
    }
  }

  /**
   * After a timeout the next batch always gets a fresh thread, so a write that ignores interruption
   * can hold only its own thread, never the forwarder.
   */
  private void replaceWriter() throws InterruptedException {
    ExecutorService timedOut = writer;
    writer = newWriter();
    timedOut.shutdown();
    if (!timedOut.awaitTermination(100, TimeUnit.MILLISECONDS)) {
      log.error(
          "sink {} ignored interruption after its write timed out; abandoning that thread",
          sink.name());
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getName() : message;
  }

  private boolean mustGiveUp() {
    return Thread.currentThread().isInterrupted()
        || (stopping && clock.nanoTime() - stopDeadline > 0);
  }

  private void pause(long nanos) {
    if (stopping) {
      nanos = Math.min(nanos, Math.max(0, stopDeadline - clock.nanoTime()));
    }
    if (nanos > 0) {
      clock.sleep(nanos);
    }
  }

  private void commit(long end) {
    cursor.commit(end);
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
        Map.of("journal_full", cursor.dropped(), "undecodable", undecodable.get()),
        lastError,
        lastErrorAt);
  }

  /**
   * Delivers what the journal holds until {@code deadline}, then stops the thread and closes the
   * sink. Events not confirmed by then stay in the journal for the next start.
   */
  public void close(Duration deadline) {
    stopDeadline = clock.nanoTime() + deadline.toNanos();
    stopping = true;
    try {
      if (thread.isAlive()) {
        thread.join(Math.max(1, deadline.toMillis()) + 1000);
        if (thread.isAlive()) {
          thread.interrupt();
          thread.join(5000);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      writer.shutdownNow();
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
