package dev.streamll.forward;

import dev.streamll.sink.EncodedEvent;
import java.util.List;

/**
 * Consecutive journal records read for one sink: the events its filter accepted, and {@code end},
 * the sequence after the last record read. A batch whose events were all filtered out is empty but
 * still moves the cursor to {@code end} once every batch before it is confirmed.
 */
record Batch(List<EncodedEvent> events, long end) {

  Batch {
    events = List.copyOf(events);
  }

  int size() {
    return events.size();
  }

  boolean isEmpty() {
    return events.isEmpty();
  }
}
