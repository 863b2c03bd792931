package dev.streamll.redis;

import dev.streamll.event.StreamllEvent;
import dev.streamll.event.TopLevelFields;

/**
 * The two top-level fields a stream entry carries next to the JSON ({@code module_name}, {@code
 * event_type}), read by {@link TopLevelFields}: a byte scan that stops once both are seen. The
 * codec writes them before {@code data}, so a large payload is never read; names inside nested
 * values or strings are never mistaken for them. A name given twice: the first occurrence decides.
 */
record EventLabels(String moduleName, String eventType) {
  private static final TopLevelFields FIELDS = TopLevelFields.of("module_name", "event_type");

  /**
   * Reads the labels of an event's wire JSON; a field that is missing, empty or not a string gets
   * the schema's default, as {@link StreamllEvent} does.
   *
   * @throws IllegalArgumentException when the bytes are not a JSON object
   */
  static EventLabels of(byte[] json) {
    String[] values = FIELDS.strings(json);
    return new EventLabels(
        orDefault(values[0], StreamllEvent.DEFAULT_MODULE),
        orDefault(values[1], StreamllEvent.DEFAULT_EVENT_TYPE));
  }

  private static String orDefault(String value, String fallback) {
    return value == null || value.isEmpty() ? fallback : value;
  }
}
