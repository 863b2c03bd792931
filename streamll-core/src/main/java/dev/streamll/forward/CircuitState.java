package dev.streamll.forward;

/** The state of a forwarder's circuit breaker. */
public enum CircuitState {
  /** Batches flow normally. */
  CLOSED,
  /** Too many consecutive failures: no batch is attempted until the recovery timeout passes. */
  OPEN,
  /** The recovery timeout passed: one probe batch decides between CLOSED and OPEN. */
  HALF_OPEN
}
