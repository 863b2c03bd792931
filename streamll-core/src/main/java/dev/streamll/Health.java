package dev.streamll;

import dev.streamll.forward.CircuitState;
import dev.streamll.forward.SinkHealth;
import dev.streamll.journal.JournalStats;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of an instance's health.
 *
 * @param accepted events accepted by {@code emit}
 * @param queued events waiting in the ring for the writer
 * @param dropped events that never reached the journal, by reason (see {@link
 *     dev.streamll.emit.DropReason})
 * @param lastError the writer's last error, or null
 */
public record Health(
    boolean running,
    long accepted,
    int queued,
    Map<String, Long> dropped,
    String lastError,
    Instant lastErrorAt,
    JournalStats journal,
    List<SinkHealth> sinks) {

  public Health {
    dropped = Map.copyOf(dropped);
    sinks = List.copyOf(sinks);
  }

  /** The health of the sink with this name, or null. */
  public SinkHealth sink(String name) {
    return sinks.stream().filter(s -> s.name().equals(name)).findFirst().orElse(null);
  }

  /** True when running, nothing dropped, and every circuit closed. */
  public boolean healthy() {
    return running
        && dropped.values().stream().allMatch(v -> v == 0)
        && sinks.stream().allMatch(s -> s.running() && s.circuit() == CircuitState.CLOSED);
  }
}
