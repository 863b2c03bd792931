package dev.streamll.redis;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.streamll.event.StreamllEvent;
import java.io.IOException;

/**
 * The two top-level fields a stream entry carries next to the JSON ({@code module_name}, {@code
 * event_type}), read with a streaming parser that stops as soon as both are found. The codec writes
 * them before {@code data}, so a large payload is never parsed; nested objects are skipped, so a
 * {@code data} key of the same name is never mistaken for them.
 */
record EventLabels(String moduleName, String eventType) {
  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Reads the labels of an event's wire JSON; a missing field gets the schema's default, as {@link
   * StreamllEvent} does.
   *
   * @throws IllegalArgumentException when the bytes are not a JSON object
   */
  static EventLabels of(byte[] json) {
    String module = null;
    String type = null;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("event JSON is not an object");
      }
      while ((module == null || type == null) && parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && field.equals("module_name")) {
          module = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && field.equals("event_type")) {
          type = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("event JSON is malformed: " + e.getMessage(), e);
    }
    return new EventLabels(
        module == null || module.isEmpty() ? StreamllEvent.DEFAULT_MODULE : module,
        type == null || type.isEmpty() ? StreamllEvent.DEFAULT_EVENT_TYPE : type);
  }
}
