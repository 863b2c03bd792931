package dev.streamll.journal;

import java.time.Duration;

/**
 * Reads committed records in sequence order. A reader belongs to one thread at a time. Records
 * removed by retention while the reader lags are skipped; {@link #skipped()} counts them.
 */
public interface JournalReader extends AutoCloseable {

  /** The sequence of the next record this reader returns. */
  long position();

  /** Moves the reader to {@code sequence}, clamped to the retained range. */
  void seek(long sequence);

  /**
   * Hands up to {@code maxRecords} committed records, in order, to {@code handler}, advancing the
   * position past each one.
   *
   * @return the number of records handed over; 0 when none is available now
   * @throws CorruptRecordException when a damaged record is found; the reader stays before it
   */
  int read(int maxRecords, RecordHandler handler);

  /**
   * Waits until a record at {@link #position()} is committed.
   *
   * @return true if one is available, false on timeout, interruption or close
   */
  boolean await(Duration timeout);

  /** How many records this reader skipped because retention had removed them. */
  long skipped();

  @Override
  void close();
}
