package dev.streamll.redis.processor;

import java.time.Duration;

/** A started {@link StreamProcessor}. */
public interface ProcessorHandle extends AutoCloseable {

  /** The consumer name this processor reads as. */
  String consumer();

  ProcessorStats stats();

  /**
   * Stops fetching and reclaiming, lets running handlers finish and their acknowledgements reach
   * Redis until {@code deadline}, then interrupts handlers still running. Entries not finished by
   * then stay pending, never acknowledged, for another consumer. Idempotent.
   */
  ShutdownReport close(Duration deadline);

  /** {@link #close(Duration)} with the lease as the deadline. */
  @Override
  void close();
}
