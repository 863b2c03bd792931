package dev.streamll.demo;

import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkProvider;
import dev.streamll.sink.SinkUrl;
import dev.streamll.testing.CollectingSink;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code collect:NAME} for tests: a {@link CollectingSink} reachable by name, so a test can pass
 * the demo a sink URL (as {@code --sink} does) and read what the demo delivered to it.
 */
public final class CollectingSinkProvider implements SinkProvider {
  private static final Map<String, CollectingSink> SINKS = new ConcurrentHashMap<>();

  static CollectingSink sink(String url) {
    return SINKS.computeIfAbsent(url, CollectingSink::new);
  }

  @Override
  public Set<String> schemes() {
    return Set.of("collect");
  }

  @Override
  public Sink create(SinkUrl url) {
    return sink(url.raw());
  }
}
