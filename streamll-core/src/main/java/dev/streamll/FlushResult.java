package dev.streamll;

import java.util.Map;

/**
 * The outcome of {@link Streamll#flush}: whether every event emitted before the call reached the
 * journal and was confirmed by every sink.
 *
 * @param complete true if all of them were confirmed by all sinks within the timeout
 * @param targetSequence the journal sequence below which those events lie (-1 if they did not all
 *     reach the journal in time)
 * @param outstandingBySink events each sink had not confirmed when the wait ended
 * @param durable true if those events are also durable in the journal under its fsync policy
 *     (always true for the in-memory journal, which promises nothing beyond the process)
 */
public record FlushResult(
    boolean complete, long targetSequence, Map<String, Long> outstandingBySink, boolean durable) {

  public FlushResult {
    outstandingBySink = Map.copyOf(outstandingBySink);
  }

  public long outstanding() {
    return outstandingBySink.values().stream().mapToLong(Long::longValue).sum();
  }
}
