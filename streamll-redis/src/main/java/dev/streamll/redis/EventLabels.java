package dev.streamll.redis;

import dev.streamll.event.StreamllEvent;
import dev.streamll.event.TopLevelFields;
import java.nio.charset.StandardCharsets;

/**
 * The two top-level fields a stream entry carries next to the JSON ({@code module_name}, {@code
 * event_type}), as UTF-8 bytes ready for the wire, read by {@link TopLevelFields}: a byte scan that
 * stops once both are seen. The codec writes them before {@code data}, so a large payload is never
 * read; names inside nested values or strings are never mistaken for them. A name given twice: the
 * first occurrence decides.
 */
final class EventLabels {
  private static final TopLevelFields FIELDS = TopLevelFields.of("module_name", "event_type");
  private static final byte[] DEFAULT_MODULE =
      StreamllEvent.DEFAULT_MODULE.getBytes(StandardCharsets.UTF_8);
  private static final byte[] DEFAULT_EVENT_TYPE =
      StreamllEvent.DEFAULT_EVENT_TYPE.getBytes(StandardCharsets.UTF_8);

  private final byte[] moduleName;
  private final byte[] eventType;

  private EventLabels(byte[] moduleName, byte[] eventType) {
    this.moduleName = moduleName;
    this.eventType = eventType;
  }

  /**
   * Reads the labels of an event's wire JSON; a field that is missing, empty or not a string gets
   * the schema's default, as {@link StreamllEvent} does.
   *
   * @throws IllegalArgumentException when the bytes are not a JSON object
   */
  static EventLabels of(byte[] json) {
    byte[][] values = FIELDS.utf8(json);
    return new EventLabels(
        orDefault(values[0], DEFAULT_MODULE), orDefault(values[1], DEFAULT_EVENT_TYPE));
  }

  private static byte[] orDefault(byte[] value, byte[] fallback) {
    return value == null || value.length == 0 ? fallback : value;
  }

  byte[] moduleName() {
    return moduleName;
  }

  byte[] eventType() {
    return eventType;
  }

  @Override
  public String toString() {
    return "module_name="
        + new String(moduleName, StandardCharsets.UTF_8)
        + ", event_type="
        + new String(eventType, StandardCharsets.UTF_8);
  }
}
