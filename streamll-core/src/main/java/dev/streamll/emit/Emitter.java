package dev.streamll.emit;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalFullException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hand-off between application threads and the journal: a bounded lock-free
 * multi-producer/single-consumer ring and one writer thread that encodes each event once and
 * appends it. The writer drains whatever is queued, appends it and commits once, so a burst becomes
 * one journal batch (group commit).
 *
 * <p>{@link #emit} never throws and, under {@link OverflowPolicy#DROP}, never waits: when the ring
 * is full the event is counted as dropped. Closing is race-free: producers announce themselves in a
 * striped counter before checking the closed flag, and the writer drains only after every producer
 * that saw the instance open has finished its offer, so no accepted event is stranded in the ring.
 */
public final class Emitter implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Emitter.class);
  private static final int DRAIN_LIMIT = 4096;

  private final MpscArrayQueue<Object> ring;
  private final Journal journal;
  private final EventCodec codec;
  private final OverflowPolicy overflow;
  private final long blockNanos;
  private final Thread writer;

  private final LongAdder inFlight = new LongAdder();
  private final Queue<Thread> blockedProducers = new ConcurrentLinkedQueue<>();
  private final LongAdder accepted = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private volatile boolean closed;
  private volatile boolean drainAndExit;
  private volatile boolean writerParked;
  private volatile String lastError;
  private volatile Instant lastErrorAt;

  /** A flush request travelling through the ring behind every event emitted before it. */
  private static final class FlushMarker {
    final CompletableFuture<Long> appendedEnd = new CompletableFuture<>();
  }

  public Emitter(
      Journal journal,
      EventCodec codec,
      int capacity,
      OverflowPolicy overflow,
      Duration blockTimeout) {
    if (capacity < 2) {
      throw new IllegalArgumentException("ring capacity must be >= 2, was " + capacity);
    }
    this.ring = new MpscArrayQueue<>(capacity);
    this.journal = journal;
    this.codec = codec;
    this.overflow = overflow;
    this.blockNanos = blockTimeout.toNanos();
    for (DropReason reason : DropReason.values()) {
      dropped.put(reason, new LongAdder());
    }
    this.writer = new Thread(this::writeLoop, "streamll-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /**
   * Queues {@code event} for the journal.
   *
   * @return true if accepted; false if dropped (counted by reason in {@link #dropped()})
   */
  public boolean emit(StreamllEvent event) {
    inFlight.increment();
    try {
      if (closed) {
        drop(DropReason.CLOSED);
        return false;
      }
      if (!ring.offer(event) && !(overflow == OverflowPolicy.BLOCK && offerBlocking(event))) {
        // A caller still waiting for space when close began is refused because of the close.
        drop(closed ? DropReason.CLOSED : DropReason.RING_FULL);
        return false;
      }
      accepted.increment();
      if (writerParked) {
        LockSupport.unpark(writer);
      }
      return true;
    } catch (RuntimeException e) {
      // The emit path must never throw into the application.
      recordError("emit failed: " + e);
      drop(DropReason.RING_FULL);
      return false;
    } finally {
      inFlight.decrement();
    }
  }

  private boolean offerBlocking(Object item) {
    return offerUntil(item, System.nanoTime() + blockNanos);
  }

  /**
   * Offers {@code item}, waiting while the ring is full until the writer has drained it, the
   * deadline passes, the emitter closes or the calling thread is interrupted. A waiting thread
   * sleeps until the writer wakes it after a drain (see {@link #wakeBlockedProducers}) rather than
   * polling: under sustained backpressure polling cost a timed park and a wake-up of the writer
   * every few events, on the application's thread and the writer's.
   */
  private boolean offerUntil(Object item, long deadlineNanos) {
    Thread self = Thread.currentThread();
    while (true) {
      // Registered before the re-check: space the writer made before it looked for waiters is
      // seen by this offer, space made after it comes with a wake-up.
      blockedProducers.add(self);
      boolean offered = ring.offer(item);
      long remaining = deadlineNanos - System.nanoTime();
      // An interrupted caller stops waiting (and keeps its interrupt): parking would return at
      // once, so waiting on would spin until the deadline.
      if (offered || closed || remaining <= 0 || self.isInterrupted()) {
        blockedProducers.remove(self);
        return offered;
      }
      if (writerParked) {
        LockSupport.unpark(writer);
      }
      LockSupport.parkNanos(this, remaining);
      blockedProducers.remove(self);
    }
  }

  private void wakeBlockedProducers() {
    for (Thread waiting; (waiting = blockedProducers.poll()) != null; ) {
      LockSupport.unpark(waiting);
    }
  }

  private void drop(DropReason reason) {
    LongAdder counter = dropped.get(reason);
    counter.increment();
    long count = counter.sum();
    // Log the first drop and then at powers of two: visible, but never a log storm.
    if (Long.bitCount(count) == 1) {
      log.warn(
          "StreamLL dropped {} event(s) so far: {} (see Streamll.health())", count, reason.key());
    }
  }

  /**
   * Waits until every event accepted before this call is committed to the journal.
   *
   * @return the journal sequence below which those events lie, or -1 on timeout or close
   */
  public long awaitAppended(Duration timeout) {
    FlushMarker marker = new FlushMarker();
    long deadline = System.nanoTime() + timeout.toNanos();
    if (!offerUntil(marker, deadline)) {
      return closed ? journal.nextSequence() : -1;
    }
    LockSupport.unpark(writer);
    try {
      return marker.appendedEnd.get(
          Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } catch (Exception e) {
      return -1;
    }
  }

  private void writeLoop() {
    while (true) {
      int drained = drainOnce();
      if (drained > 0) {
        continue;
      }
      if (drainAndExit && ring.isEmpty()) {
        commit();
        return;
      }
      writerParked = true;
      if (ring.isEmpty() && !drainAndExit) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
      }
      writerParked = false;
    }
  }

  private int drainOnce() {
    int count = 0;
    Object item;
    while (count < DRAIN_LIMIT && (item = ring.poll()) != null) {
      count++;
      if (item instanceof StreamllEvent) {
        append((StreamllEvent) item);
      } else {
        commit();
        ((FlushMarker) item).appendedEnd.complete(journal.nextSequence());
      }
    }
    if (count > 0) {
      // Before the commit, so that blocked producers refill the ring while it writes.
      wakeBlockedProducers();
      commit();
    }
    return count;
  }

  private void append(StreamllEvent event) {
    try {
      Instant ts = event.timestamp();
      long micros = ts.getEpochSecond() * 1_000_000L + ts.getNano() / 1_000;
      journal.append(codec.encode(event), micros);
    } catch (JournalFullException e) {
      recordError(e.getMessage());
      drop(DropReason.JOURNAL_FULL);
    } catch (RuntimeException e) {
      recordError("journal append failed: " + e.getMessage());
      drop(DropReason.JOURNAL_ERROR);
    }
  }

  private void commit() {
    try {
      journal.commit();
    } catch (RuntimeException e) {
      recordError("journal commit failed: " + e.getMessage());
      log.error("journal commit failed: {}", e.getMessage());
    }
  }

  private void recordError(String message) {
    lastError = message;
    lastErrorAt = Instant.now();
  }

  public long accepted() {
    return accepted.sum();
  }

  /** Events currently waiting in the ring. */
  public int queued() {
    return ring.size();
  }

  public Map<String, Long> dropped() {
    Map<String, Long> result = new java.util.LinkedHashMap<>();
    dropped.forEach((reason, counter) -> result.put(reason.key(), counter.sum()));
    return result;
  }

  public String lastError() {
    return lastError;
  }

  public Instant lastErrorAt() {
    return lastErrorAt;
  }

  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops accepting, waits for producers already inside {@link #emit} to finish, then lets the
   * writer append everything queued and exit.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    wakeBlockedProducers();
    while (inFlight.sum() != 0) {
      Thread.onSpinWait();
    }
    drainAndExit = true;
    LockSupport.unpark(writer);
    try {
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
