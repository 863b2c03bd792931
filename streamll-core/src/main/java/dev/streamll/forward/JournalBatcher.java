package dev.streamll.forward;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalException;
import dev.streamll.journal.JournalReader;
import dev.streamll.journal.RecordHandler;
import dev.streamll.sink.EncodedEvent;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one sink's journal records into batches on its own thread — up to {@code maxBatchSize}
 * records, gathered for at most {@code linger} once the first arrived — and hands them to the
 * forwarder through a short queue. Reading here lets the forwarder wait for confirmations and for
 * new events at the same time; the full queue is the back-pressure while the sink is slow or down.
 */
final class JournalBatcher implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(JournalBatcher.class);
  private static final Duration IDLE_WAIT = Duration.ofMillis(50);
  private static final int READY_BATCHES = 2;

  private final Journal journal;
  private final long start;
  private final ForwarderOptions options;
  private final EventCodec codec;
  private final MonotonicClock clock;
  private final String sinkName;
  private final Wakeup wakeup;
  private final BlockingQueue<Batch> ready = new ArrayBlockingQueue<>(READY_BATCHES);
  private final AtomicLong undecodable = new AtomicLong();
  private final AtomicLong filterFailures = new AtomicLong();

  private volatile boolean stopping;
  private volatile long stopDeadline;
  private volatile boolean finished;
  private volatile JournalException failure;

  JournalBatcher(
      Journal journal,
      long start,
      ForwarderOptions options,
      EventCodec codec,
      MonotonicClock clock,
      String sinkName,
      Wakeup wakeup) {
    this.journal = journal;
    this.start = start;
    this.options = options;
    this.codec = codec;
    this.clock = clock;
    this.sinkName = sinkName;
    this.wakeup = wakeup;
  }

  @Override
  public void run() {
    try (JournalReader reader = journal.reader(start)) {
      while (!shouldExit(reader)) {
        Batch batch = collect(reader);
        if (batch != null) {
          ready.put(batch);
          wakeup.signal();
        }
      }
    } catch (JournalException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new JournalException("reading for " + sinkName + " failed: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      finished = true;
      wakeup.signal();
    }
  }

  /** Once stopping, reads only what the journal holds now, and not past {@code deadline}. */
  void stop(long deadline) {
    stopDeadline = deadline;
    stopping = true;
  }

  /** The next batch, or null if none is ready. */
  Batch poll() {
    return ready.poll();
  }

  /** True when no batch is ready and none will come: stopped at the end, failed or interrupted. */
  boolean exhausted() {
    return finished && ready.isEmpty();
  }

  /** Why reading stopped early, or null. */
  JournalException failure() {
    return failure;
  }

  /** Records that were not valid events, skipped for this sink's filter. */
  long undecodable() {
    return undecodable.get();
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

  /** Reads up to a batch; null if no record arrived. */
  private Batch collect(JournalReader reader) {
    List<EncodedEvent> events = new ArrayList<>();
    long[] end = {-1};
    int[] read = {0};
    RecordHandler handler =
        (sequence, timestampMicros, payload) -> {
          end[0] = sequence + 1;
          read[0]++;
          EncodedEvent event = new EncodedEvent(sequence, copy(payload), codec);
          if (accepts(event)) {
            events.add(event);
          }
        };
    int max = options.maxBatchSize();
    reader.read(max, handler);
    if (read[0] == 0) {
      reader.await(IDLE_WAIT);
      reader.read(max, handler);
      if (read[0] == 0) {
        return null;
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
    return new Batch(events, end[0]);
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
    StreamllEvent decoded;
    try {
      decoded = event.event();
    } catch (IllegalArgumentException e) {
      undecodable.incrementAndGet();
      log.error(
          "journal record {} is not a valid event and is skipped for {}: {}",
          event.sequence(),
          sinkName,
          e.getMessage());
      return false;
    }
    try {
      return options.filter().test(decoded);
    } catch (RuntimeException e) {
      // A filter that throws is a bug in the application; the event still goes to the sink
      // rather than being lost to it.
      long failures = filterFailures.incrementAndGet();
      if (Long.bitCount(failures) == 1) {
        log.error(
            "the filter of {} threw on journal record {} ({} time(s) so far); such events are"
                + " sent anyway",
            sinkName,
            event.sequence(),
            failures,
            e);
      }
      return true;
    }
  }
}
