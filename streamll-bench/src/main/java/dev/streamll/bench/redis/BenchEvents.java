package dev.streamll.bench.redis;

import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import java.util.Map;

/** The event every Redis benchmark writes: a token event whose JSON is about 610 bytes. */
final class BenchEvents {
  static final String MODULE = "BenchModule";
  static final String TYPE = "token";
  private static final String TEXT = "lorem ipsum dolor sit amet ".repeat(7);

  private BenchEvents() {}

  static StreamllEvent event(Map<String, Object> extra) {
    Map<String, Object> data = extra.isEmpty() ? Map.of("text", TEXT) : extra;
    return new StreamllEvent(
        null,
        null,
        null,
        null,
        null,
        MODULE,
        "generate",
        "llm_call",
        TYPE,
        data,
        Map.of(),
        null,
        null,
        null,
        null);
  }

  /** One encoded event: the payload the Lettuce loop and redis-benchmark write. */
  static byte[] json() {
    return new EventCodec().encode(event(Map.of()));
  }
}
