package dev.streamll.sink;

import java.util.List;

/**
 * The small per-backend part of delivery: write a batch and return only once the backend has
 * confirmed every event in it. Everything else — reading from the journal, batching, retries with
 * backoff, the circuit breaker, timeouts, health and metrics — lives once, in the {@link
 * dev.streamll.forward.Forwarder} (compare OpenTelemetry's {@code SpanExporter} and {@code
 * BatchSpanProcessor}).
 *
 * <p>A forwarder calls {@link #write} from one thread at a time. If a call exceeds the forwarder's
 * write timeout, that thread is interrupted, so blocking waits inside {@code write} must respond to
 * interruption. A failed batch is retried whole, so a backend may see an event more than once
 * (at-least-once; consumers deduplicate by {@code event_id}).
 */
public interface Sink extends AutoCloseable {

  /** A stable, credential-free name for logs and health, e.g. {@code redis://host:6379/events}. */
  String name();

  /**
   * Connects and validates configuration before the first batch; called once by the forwarder.
   * Throw {@link SinkException} to report a problem the user must fix — the forwarder keeps the
   * events in the journal and retries later, so an unreachable backend at start-up loses nothing.
   */
  default void start() throws Exception {}

  /**
   * Writes {@code batch} and returns when the backend has confirmed all of it.
   *
   * @throws Exception anything that means "not confirmed"; the forwarder retries the whole batch
   */
  void write(List<EncodedEvent> batch) throws Exception;

  /**
   * Releases connections and threads. Called once, after the last {@link #write}; report problems
   * by logging them, since nothing can be retried at this point.
   */
  @Override
  default void close() {}
}
