package dev.streamll.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The four top-level fields a Kafka record needs besides its value ({@code execution_id} for the
 * key; {@code event_type}, {@code module_name}, {@code schema_version} for headers), read from the
 * wire JSON with a streaming parser that skips {@code data} and {@code tags} instead of decoding
 * the whole event: the forwarder hands the sink journal bytes, and most of an event's size is
 * payload.
 */
record RecordFields(byte[] executionId, byte[] eventType, byte[] moduleName, byte[] schemaVersion) {

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * Extracts the fields from {@code json}; a field that is absent or not a string is null.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   */
  static RecordFields of(byte[] json) {
    byte[] executionId = null;
    byte[] eventType = null;
    byte[] moduleName = null;
    byte[] schemaVersion = null;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("event is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        if (value != JsonToken.VALUE_STRING) {
          continue;
        }
        switch (name) {
          case "execution_id":
            executionId = utf8(parser);
            break;
          case "event_type":
            eventType = utf8(parser);
            break;
          case "module_name":
            moduleName = utf8(parser);
            break;
          case "schema_version":
            schemaVersion = utf8(parser);
            break;
          default:
            break;
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("event is not valid JSON: " + e.getMessage(), e);
    }
    return new RecordFields(executionId, eventType, moduleName, schemaVersion);
  }

  private static byte[] utf8(JsonParser parser) throws IOException {
    return parser.getText().getBytes(StandardCharsets.UTF_8);
  }
}
