package dev.streamll.kafka;

import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import java.util.Set;

/**
 * Opens {@code kafka://host:port[,host:port…]/topic} for {@code streamll tail} and {@code replay}:
 * every partition from the beginning. Consumer properties come from {@code consumer.<property>} and
 * {@code kafka.<property>} options; {@code producer.*} options are ignored, so a sink's URL can be
 * tailed as it is.
 */
public final class KafkaEventSourceProvider implements EventSourceProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("kafka");
  }

  @Override
  public EventSource open(SinkUrl url) {
    return KafkaEventSource.fromUrl(KafkaUrl.parse(url));
  }
}
