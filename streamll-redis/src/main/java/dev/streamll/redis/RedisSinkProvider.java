package dev.streamll.redis;

import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkProvider;
import dev.streamll.sink.SinkUrl;
import java.util.Set;

/**
 * {@code redis://} and {@code rediss://} (TLS) sinks: {@code
 * redis://[user:password@]host[:port][/db]?stream=…&maxlen=…&timeout=…}; see {@link RedisSettings}.
 */
public final class RedisSinkProvider implements SinkProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("redis", "rediss");
  }

  @Override
  public Sink create(SinkUrl url) {
    return new RedisSink(RedisSettings.parse(url));
  }
}
