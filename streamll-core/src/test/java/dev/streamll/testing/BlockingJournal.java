package dev.streamll.testing;

import dev.streamll.journal.Cursor;
import dev.streamll.journal.InMemoryJournal;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalReader;
import dev.streamll.journal.JournalStats;
import dev.streamll.journal.RecordHandler;
import dev.streamll.journal.Subscription;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * An in-memory journal whose appends wait until {@link #release()}: lets tests fill the emitter's
 * ring deterministically, as a stalled disk would.
 */
public final class BlockingJournal implements Journal {
  private final InMemoryJournal delegate = InMemoryJournal.create();
  private final CountDownLatch released = new CountDownLatch(1);
  private final CountDownLatch firstAppend = new CountDownLatch(1);

  public void release() {
    released.countDown();
  }

  /** Waits until the writer is stuck in its first append. */
  public void awaitFirstAppend() throws InterruptedException {
    firstAppend.await();
  }

  @Override
  public long append(byte[] payload, long timestampMicros) {
    firstAppend.countDown();
    try {
      released.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return delegate.append(payload, timestampMicros);
  }

  @Override
  public void commit() {
    delegate.commit();
  }

  @Override
  public long firstSequence() {
    return delegate.firstSequence();
  }

  @Override
  public long nextSequence() {
    return delegate.nextSequence();
  }

  @Override
  public long durableSequence() {
    return delegate.durableSequence();
  }

  @Override
  public boolean awaitDurable(long sequence, Duration timeout) {
    return delegate.awaitDurable(sequence, timeout);
  }

  @Override
  public boolean awaitAppend(long sequence, Duration timeout) {
    return delegate.awaitAppend(sequence, timeout);
  }

  @Override
  public JournalReader reader(long fromSequence) {
    return delegate.reader(fromSequence);
  }

  @Override
  public Cursor cursor(String name, long initialSequence) {
    return delegate.cursor(name, initialSequence);
  }

  @Override
  public void deleteCursor(String name) {
    delegate.deleteCursor(name);
  }

  @Override
  public Subscription subscribe(long fromSequence, RecordHandler handler) {
    return delegate.subscribe(fromSequence, handler);
  }

  @Override
  public JournalStats stats() {
    return delegate.stats();
  }

  @Override
  public void close() {
    release();
    delegate.close();
  }
}
