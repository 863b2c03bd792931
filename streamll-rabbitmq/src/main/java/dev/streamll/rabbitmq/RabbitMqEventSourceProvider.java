package dev.streamll.rabbitmq;

import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import java.util.Set;

/**
 * {@code streamll tail amqp://host/vhost?exchange=…&binding=…}: follows new events through a
 * temporary queue. Options: {@code exchange}, {@code binding} (default {@code #}), {@code
 * connect_timeout_ms}, {@code heartbeat}.
 */
public final class RabbitMqEventSourceProvider implements EventSourceProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("amqp", "amqps");
  }

  @Override
  public EventSource open(SinkUrl url) {
    return new RabbitMqEventSource(RabbitMqSettings.parse(url, RabbitMqSettings.SOURCE_OPTIONS));
  }
}
