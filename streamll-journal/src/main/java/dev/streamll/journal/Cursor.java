package dev.streamll.journal;

/**
 * A named, durable position in the journal: the sequence of the next record its owner has not yet
 * finished with. Forwarders commit it only after their sink confirmed delivery, so after a crash
 * they resume exactly where confirmation stopped.
 */
public interface Cursor {

  String name();

  /** The next sequence the owner still has to process. */
  long position();

  /**
   * Durably records that every record below {@code nextSequence} is done. Moving backwards is
   * ignored: a cursor only moves forward (except when {@link FullPolicy#DROP_OLDEST} moves it).
   * After {@link Journal#deleteCursor} deleted this cursor, commits are ignored.
   *
   * @throws JournalException if the position cannot be written (the cursor stays where it was), or
   *     the journal is closed
   */
  void commit(long nextSequence);

  /** Records this cursor lost because {@link FullPolicy#DROP_OLDEST} advanced it. */
  long dropped();
}
