package dev.streamll.journal;

import java.time.Duration;

/**
 * An append-only log of opaque records, each with a sequence number assigned on append. It is the
 * record of truth between the emitter, which appends, and the forwarders, which read from their own
 * durable {@link Cursor} and commit it once a sink has confirmed delivery.
 *
 * <p>Threading: exactly one thread appends and commits; any number of threads read, wait and manage
 * cursors. Records appended since the last {@link #commit()} are not yet visible to readers, which
 * lets the writer publish (and fsync) a whole batch at once.
 *
 * <p>Sequences start at 0 and grow by one per record. Retention may delete old records, so a reader
 * asking for a sequence below {@link #firstSequence()} starts at the first one retained.
 */
public interface Journal extends AutoCloseable {

  /**
   * Appends one record and returns its sequence. The record becomes visible to readers at the next
   * {@link #commit()}.
   *
   * @throws JournalFullException when the size limit is reached under {@link FullPolicy#BLOCK} and
   *     no space was freed within the configured timeout
   * @throws JournalException when the journal is closed or failed and no longer accepts appends
   */
  long append(byte[] payload, long timestampMicros);

  /** Publishes the records appended so far to readers and applies the fsync policy to them. */
  void commit();

  /** The lowest sequence still retained; equals {@link #nextSequence()} when empty. */
  long firstSequence();

  /** One past the highest committed sequence: the sequence the next visible record will get. */
  long nextSequence();

  /** Every record below this sequence is durable under the journal's {@link FsyncPolicy}. */
  long durableSequence();

  /**
   * Makes every committed record durable now rather than at the fsync policy's next interval, for a
   * caller that is about to wait for durability ({@code Streamll.flush}, shutdown). Journals whose
   * records are durable once committed, or never, have nothing to do.
   */
  default void sync() {}

  /**
   * Waits until every record below {@code sequence} is durable under the fsync policy.
   *
   * @return true if they are durable, false on timeout, interruption or close
   */
  boolean awaitDurable(long sequence, Duration timeout);

  /**
   * Waits until a record with sequence {@code sequence} has been committed.
   *
   * @return true if it has, false on timeout, interruption or close
   */
  boolean awaitAppend(long sequence, Duration timeout);

  /** A reader positioned at {@code fromSequence} (or the first retained record, if later). */
  JournalReader reader(long fromSequence);

  /**
   * Opens the named durable cursor, creating it at {@code initialSequence} (clamped to the retained
   * range) when it does not exist yet; an existing cursor keeps its committed position. Every
   * cursor holds back retention: a record is deleted only when all cursors have passed it. Names
   * are at most 100 characters of letters, digits, {@code . _ -}.
   */
  Cursor cursor(String name, long initialSequence);

  /**
   * Removes a cursor so it no longer holds back retention. No effect if it does not exist. Commits
   * through a {@link Cursor} obtained before are ignored afterwards.
   */
  void deleteCursor(String name);

  /**
   * Delivers every committed record from {@code fromSequence} on, in order, to {@code handler} on a
   * thread owned by the subscription, waking on each commit. Close the subscription to stop.
   */
  Subscription subscribe(long fromSequence, RecordHandler handler);

  /** A snapshot of counters and state, for health reporting. */
  JournalStats stats();

  /** Commits, syncs if the policy requires it, wakes every waiter and releases files and locks. */
  @Override
  void close();
}
