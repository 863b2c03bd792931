package dev.streamll.redis;

import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import java.util.Set;

/**
 * Reads a Redis stream back for {@code streamll tail redis://host:6379/streamll_events} and {@code
 * streamll replay}; the URL takes the same forms and options as the sink's.
 */
public final class RedisEventSourceProvider implements EventSourceProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public EventSource open(SinkUrl url) {
    return new RedisEventSource(RedisSettings.parse(url));
  }
}
