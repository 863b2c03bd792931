package dev.streamll.kafka.examples;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Streams LLM output as it is generated (docs/sinks/kafka.md, "Streaming tokens"): the {@code
 * event_type} header picks token events without parsing any other record, and the text of each LLM
 * call is assembled by {@code span_id}.
 */
public final class LiveTokens {
  private final EventCodec codec = new EventCodec();
  private final Map<String, StringBuilder> textBySpan = new LinkedHashMap<>();

  /** Returns the token text this record adds, or null for records that are not tokens. */
  public String accept(ConsumerRecord<byte[], byte[]> record) {
    Header type = record.headers().lastHeader("event_type");
    if (type == null || !"token".equals(new String(type.value(), StandardCharsets.UTF_8))) {
      return null;
    }
    StreamllEvent event = codec.decode(record.value());
    String token = String.valueOf(event.data().get("token"));
    textBySpan.computeIfAbsent(event.spanId(), id -> new StringBuilder()).append(token);
    return token;
  }

  /** The text streamed so far for one LLM call. */
  public String text(String spanId) {
    StringBuilder text = textBySpan.get(spanId);
    return text == null ? "" : text.toString();
  }
}
