package dev.streamll.sink;

import java.util.Set;

/**
 * Creates sinks for URL schemes. Implementations are found with {@link java.util.ServiceLoader}
 * (declare them in {@code META-INF/services/dev.streamll.sink.SinkProvider}), so putting a sink
 * module on the classpath is all it takes to enable its schemes.
 */
public interface SinkProvider {

  /** The lower-case schemes this provider handles, e.g. {@code redis} and {@code rediss}. */
  Set<String> schemes();

  /**
   * Creates a sink for {@code url}; must not connect yet ({@link Sink#start()} does).
   *
   * @throws IllegalArgumentException when an option is invalid, naming it and the fix
   */
  Sink create(SinkUrl url);
}
