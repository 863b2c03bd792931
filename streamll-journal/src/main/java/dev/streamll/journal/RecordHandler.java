package dev.streamll.journal;

import java.nio.ByteBuffer;

/** Receives records from a {@link JournalReader} or a {@link Subscription}. */
@FunctionalInterface
public interface RecordHandler {

  /**
   * Called once per record, in sequence order.
   *
   * @param payload the record's bytes, from its position to its limit; valid only during the call
   *     (copy what you keep)
   */
  void onRecord(long sequence, long timestampMicros, ByteBuffer payload);
}
