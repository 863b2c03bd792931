package dev.streamll.rabbitmq;

import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkProvider;
import dev.streamll.sink.SinkUrl;
import java.util.Set;

/**
 * {@code amqp://user:password@host:5672/vhost} and {@code amqps://…:5671/…} (TLS). Options: {@code
 * exchange} (default {@code streamll_events}), {@code declare} (default true), {@code routing_key}
 * (default {@code {module_name}.{event_type}}), {@code queue}, {@code queue_type} ({@code classic}
 * or {@code quorum}), {@code binding} (default {@code #}), {@code connect_timeout_ms} (default
 * 10000), {@code heartbeat} (seconds, default 30).
 */
public final class RabbitMqSinkProvider implements SinkProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("amqp", "amqps");
  }

  @Override
  public Sink create(SinkUrl url) {
    return new RabbitMqSink(RabbitMqSettings.parse(url, RabbitMqSettings.SINK_OPTIONS));
  }
}
