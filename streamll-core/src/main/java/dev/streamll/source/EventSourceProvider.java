package dev.streamll.source;

import dev.streamll.sink.SinkUrl;
import java.util.Set;

/**
 * Opens {@link EventSource}s for URL schemes; found with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.streamll.source.EventSourceProvider}, like sink providers.
 */
public interface EventSourceProvider {

  Set<String> schemes();

  /**
   * Opens a source; may connect.
   *
   * @throws IllegalArgumentException for invalid options, naming the option
   * @throws dev.streamll.sink.SinkException when the source is unreachable, naming the fix
   */
  EventSource open(SinkUrl url);
}
