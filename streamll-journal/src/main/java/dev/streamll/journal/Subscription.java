package dev.streamll.journal;

/** An in-process subscription created by {@link Journal#subscribe}; close it to stop delivery. */
public interface Subscription extends AutoCloseable {

  /** The sequence of the next record to be delivered. */
  long position();

  /** Stops delivery and waits for the delivering thread to finish its current record. */
  @Override
  void close();
}
