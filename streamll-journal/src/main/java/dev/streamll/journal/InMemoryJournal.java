package dev.streamll.journal;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A journal held in memory, for tests and hosts that cannot write to disk. It keeps the same
 * contract as the file journal except durability: nothing survives the process, so {@link
 * #durableSequence()} is the committed end. Records are retained up to {@code maxBytes}; beyond
 * that the oldest records that every cursor has passed are evicted, and the {@link FullPolicy}
 * decides what happens when a cursor holds them back.
 */
public final class InMemoryJournal implements Journal {
  private static final Logger log = LoggerFactory.getLogger(InMemoryJournal.class);

  private record Entry(long sequence, long timestampMicros, byte[] payload) {}

  private final long maxBytes;
  private final FullPolicy fullPolicy;
  private final Duration blockTimeout;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Entry for sequence s is at index head + (s - firstSequence); evicted slots before head are
  // released in bulk so eviction stays O(1) amortised.
  private final ArrayList<Entry> entries = new ArrayList<>();
  private int head;
  private final Map<String, MemoryCursor> cursors = new HashMap<>();
  private long firstSequence;
  private long appendedEnd;
  private long committedEnd;
  private long sizeBytes;
  private boolean closed;

  private InMemoryJournal(Builder builder) {
    this.maxBytes = builder.maxBytes;
    this.fullPolicy = builder.fullPolicy;
    this.blockTimeout = builder.blockTimeout;
  }

  public static InMemoryJournal create() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for an {@link InMemoryJournal}. */
  public static final class Builder {
    private long maxBytes = 64L << 20;
    private FullPolicy fullPolicy = FullPolicy.BLOCK;
    private Duration blockTimeout = Duration.ofSeconds(10);

    private Builder() {}

    /** Payload bytes kept in memory before retention applies (default 64 MiB). */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes <= 0) {
        throw new IllegalArgumentException("maxBytes must be > 0, was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    public Builder fullPolicy(FullPolicy fullPolicy, Duration blockTimeout) {
      if (fullPolicy == null || blockTimeout == null || blockTimeout.isNegative()) {
        throw new IllegalArgumentException("fullPolicy and a non-negative blockTimeout required");
      }
      this.fullPolicy = fullPolicy;
      this.blockTimeout = blockTimeout;
      return this;
    }

    public InMemoryJournal build() {
      return new InMemoryJournal(this);
    }
  }

  @Override
  public long append(byte[] payload, long timestampMicros) {
    lock.lock();
    try {
      ensureOpen();
      makeRoom(payload.length);
      long sequence = appendedEnd++;
      entries.add(new Entry(sequence, timestampMicros, payload.clone()));
      sizeBytes += payload.length;
      return sequence;
    } finally {
      lock.unlock();
    }
  }

  private void makeRoom(int needed) {
    long deadline = System.nanoTime() + blockTimeout.toNanos();
    while (sizeBytes + needed > maxBytes && head < entries.size()) {
      Entry oldest = entries.get(head);
      MemoryCursor holder = lowestCursorAt(oldest.sequence);
      if (holder == null || oldest.sequence >= committedEnd) {
        if (oldest.sequence >= committedEnd) {
          // Only uncommitted records are left: evicting them would lose the current batch.
          break;
        }
        evictOldest();
      } else if (fullPolicy == FullPolicy.DROP_OLDEST) {
        dropFor(oldest.sequence);
        evictOldest();
      } else {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0 || closed) {
          throw new JournalFullException(
              "in-memory journal is full ("
                  + maxBytes
                  + " bytes) and cursor '"
                  + holder.name
                  + "' is at "
                  + holder.position
                  + "; its sink is not keeping up. Raise maxBytes or use FullPolicy.DROP_OLDEST");
        }
        try {
          changed.awaitNanos(remaining);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new JournalException("interrupted while waiting for space in the journal", e);
        }
      }
    }
  }

  private MemoryCursor lowestCursorAt(long sequence) {
    for (MemoryCursor cursor : cursors.values()) {
      if (cursor.position <= sequence) {
        return cursor;
      }
    }
    return null;
  }

  private void dropFor(long sequence) {
    for (MemoryCursor cursor : cursors.values()) {
      if (cursor.position <= sequence) {
        long lost = sequence + 1 - cursor.position;
        cursor.dropped += lost;
        cursor.position = sequence + 1;
        log.warn(
            "in-memory journal full: cursor '{}' lagged and lost {} record(s) (DROP_OLDEST)",
            cursor.name,
            lost);
      }
    }
  }

  private void evictOldest() {
    Entry removed = entries.set(head++, null);
    sizeBytes -= removed.payload.length;
    firstSequence = removed.sequence + 1;
    if (head > 1024 && head > entries.size() / 2) {
      entries.subList(0, head).clear();
      head = 0;
    }
  }

  @Override
  public void commit() {
    lock.lock();
    try {
      committedEnd = appendedEnd;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long firstSequence() {
    lock.lock();
    try {
      return firstSequence;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long nextSequence() {
    lock.lock();
    try {
      return committedEnd;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public long durableSequence() {
    return nextSequence();
  }

  @Override
  public boolean awaitDurable(long sequence, Duration timeout) {
    return awaitAppend(sequence - 1, timeout);
  }

  @Override
  public boolean awaitAppend(long sequence, Duration timeout) {
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (committedEnd <= sequence) {
        if (closed || remaining <= 0) {
          return false;
        }
        remaining = changed.awaitNanos(remaining);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public JournalReader reader(long fromSequence) {
    return new MemoryReader(fromSequence);
  }

  @Override
  public Cursor cursor(String name, long initialSequence) {
    lock.lock();
    try {
      long start = Math.max(firstSequence, Math.min(initialSequence, committedEnd));
      return cursors.computeIfAbsent(name, n -> new MemoryCursor(n, start));
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void deleteCursor(String name) {
    lock.lock();
    try {
      cursors.remove(name);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public Subscription subscribe(long fromSequence, RecordHandler handler) {
    return new ReaderSubscription(reader(fromSequence), handler, "streamll-journal-subscriber");
  }

  @Override
  public JournalStats stats() {
    lock.lock();
    try {
      Map<String, Long> positions = new HashMap<>();
      Map<String, Long> dropped = new HashMap<>();
      for (MemoryCursor cursor : cursors.values()) {
        positions.put(cursor.name, cursor.position);
        dropped.put(cursor.name, cursor.dropped);
      }
      return new JournalStats(
          "memory",
          firstSequence,
          committedEnd,
          committedEnd,
          sizeBytes,
          positions,
          dropped,
          null,
          null,
          !closed);
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      committedEnd = appendedEnd;
      closed = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new JournalException("journal is closed");
    }
  }

  private final class MemoryCursor implements Cursor {
    private final String name;
    private long position;
    private long dropped;

    MemoryCursor(String name, long position) {
      this.name = name;
      this.position = position;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public long position() {
      lock.lock();
      try {
        return position;
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void commit(long nextSequence) {
      lock.lock();
      try {
        if (nextSequence > position) {
          position = Math.min(nextSequence, committedEnd);
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public long dropped() {
      lock.lock();
      try {
        return dropped;
      } finally {
        lock.unlock();
      }
    }
  }

  private final class MemoryReader implements JournalReader {
    private long position;
    private long skipped;

    MemoryReader(long fromSequence) {
      this.position = fromSequence;
    }

    @Override
    public long position() {
      return position;
    }

    @Override
    public void seek(long sequence) {
      position = sequence;
    }

    @Override
    public int read(int maxRecords, RecordHandler handler) {
      Entry[] batch;
      int count = 0;
      lock.lock();
      try {
        if (position < firstSequence) {
          skipped += firstSequence - position;
          position = firstSequence;
        }
        long available = Math.min(committedEnd - position, maxRecords);
        if (available <= 0) {
          return 0;
        }
        batch = new Entry[(int) available];
        int index = head + (int) (position - firstSequence);
        while (count < available) {
          batch[count++] = entries.get(index++);
        }
      } finally {
        lock.unlock();
      }
      for (Entry entry : batch) {
        handler.onRecord(entry.sequence, entry.timestampMicros, ByteBuffer.wrap(entry.payload));
        position = entry.sequence + 1;
      }
      return count;
    }

    @Override
    public boolean await(Duration timeout) {
      return awaitAppend(position, timeout);
    }

    @Override
    public long skipped() {
      return skipped;
    }

    @Override
    public void close() {}
  }
}
