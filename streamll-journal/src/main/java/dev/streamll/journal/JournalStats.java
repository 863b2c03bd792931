package dev.streamll.journal;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of a journal's state.
 *
 * @param cursors position of every registered cursor, by name
 * @param droppedByCursor records each cursor lost to {@link FullPolicy#DROP_OLDEST}
 * @param lastError the last I/O error, or null
 * @param lastErrorAt when it happened, or null
 * @param accepting false once an I/O error made the journal stop accepting appends
 */
public record JournalStats(
    String description,
    long firstSequence,
    long nextSequence,
    long durableSequence,
    long sizeBytes,
    Map<String, Long> cursors,
    Map<String, Long> droppedByCursor,
    String lastError,
    Instant lastErrorAt,
    boolean accepting) {

  public JournalStats {
    cursors = Map.copyOf(cursors);
    droppedByCursor = Map.copyOf(droppedByCursor);
  }
}
