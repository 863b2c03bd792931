package dev.streamll.source;

import dev.streamll.sink.EncodedEvent;

/**
 * A place events can be read back from (a journal, a Redis stream, a RabbitMQ exchange, a Kafka
 * topic), used by {@code streamll tail} and {@code streamll replay}. The CLI applies filters (type,
 * module, time) itself, so a source only has to deliver events in its own order.
 */
public interface EventSource extends AutoCloseable {

  /** A credential-free description, e.g. {@code redis://localhost:6379/streamll_events}. */
  String name();

  /**
   * Delivers the events the source holds, oldest first, to {@code handler}; with {@code follow},
   * keeps waiting for and delivering new events until the handler returns false, the source is
   * closed or the thread is interrupted. Without {@code follow}, returns once caught up.
   *
   * @throws dev.streamll.sink.SinkException when the source cannot be read, with what to do
   */
  void read(boolean follow, EventHandler handler);

  @Override
  void close();

  /** Receives events from a source. */
  @FunctionalInterface
  interface EventHandler {
    /** Returns false to stop reading. */
    boolean onEvent(EncodedEvent event);
  }
}
