package dev.streamll.forward;

import java.time.Instant;
import java.util.Map;

/**
 * The state of one sink's forwarder.
 *
 * @param lag committed journal events this sink has not confirmed yet
 * @param delivered events the sink confirmed
 * @param failedAttempts {@code write} calls that failed or timed out
 * @param dropped events this sink will never receive, by reason ({@code journal_full}: the
 *     journal's DROP_OLDEST policy advanced its cursor; {@code undecodable}: a damaged record)
 * @param lastError the last failure's message, or null
 */
public record SinkHealth(
    String name,
    boolean running,
    CircuitState circuit,
    long lag,
    long delivered,
    long failedAttempts,
    Map<String, Long> dropped,
    String lastError,
    Instant lastErrorAt) {

  public SinkHealth {
    dropped = Map.copyOf(dropped);
  }
}
