package dev.streamll.kafka;

import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkProvider;
import dev.streamll.sink.SinkUrl;
import java.util.Set;

/**
 * {@code kafka://[user:password@]host:port[,host:port…]/topic}, with producer properties as query
 * options: {@code producer.<property>} for the sink only, {@code kafka.<property>} shared with
 * {@code streamll tail} (see {@link KafkaUrl}). Example: {@code
 * kafka://localhost:9092/streamll_events?producer.linger.ms=10&kafka.security.protocol=SSL}.
 */
public final class KafkaSinkProvider implements SinkProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("kafka");
  }

  @Override
  public Sink create(SinkUrl url) {
    return KafkaSink.fromUrl(KafkaUrl.parse(url));
  }
}
