package dev.streamll.kafka;

import dev.streamll.event.TopLevelFields;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The four top-level fields a Kafka record needs besides its value ({@code execution_id} for the
 * key; {@code event_type}, {@code module_name}, {@code schema_version} for headers), read from the
 * wire JSON by {@link TopLevelFields}, a byte scan that skips {@code data} and {@code tags} instead
 * of decoding the whole event: the forwarder hands the sink journal bytes, and most of an event's
 * size is payload.
 *
 * <p>The codec writes {@code schema_version} last, after {@code data} and {@code tags}, so a
 * forward scan for it reads the whole event. It is therefore first looked for at the end: when the
 * object's last member is {@code "schema_version":"…"} with a value free of quotes and backslashes,
 * that value is taken and the forward scan stops after the other three fields, which the codec
 * writes before {@code data}. Any other shape falls back to the full forward scan. A name given
 * twice: the first occurrence decides, except that a trailing {@code schema_version} wins, as it
 * does when Jackson reads the event.
 */
record RecordFields(byte[] executionId, byte[] eventType, byte[] moduleName, byte[] schemaVersion) {
  private static final TopLevelFields ALL =
      TopLevelFields.of("execution_id", "event_type", "module_name", "schema_version");
  private static final TopLevelFields LEADING =
      TopLevelFields.of("execution_id", "event_type", "module_name");
  private static final byte[] SCHEMA_VERSION_KEY =
      "\"schema_version\"".getBytes(StandardCharsets.US_ASCII);

  /**
   * Extracts the fields from {@code json} as UTF-8 text; a field that is absent or not a string is
   * null.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   */
  static RecordFields of(byte[] json) {
    byte[] schemaVersion = trailingSchemaVersion(json);
    if (schemaVersion != null) {
      byte[][] values = LEADING.utf8(json);
      return new RecordFields(values[0], values[1], values[2], schemaVersion);
    }
    byte[][] values = ALL.utf8(json);
    return new RecordFields(values[0], values[1], values[2], values[3]);
  }

  /**
   * The value of a last member {@code "schema_version":"V"} of the object, or null when the JSON
   * does not end that way or V holds a quote or backslash. Reading backwards is sound here because
   * every quote relied on is preceded by a char that is not a backslash ({@code :}, the key's last
   * letter) or by a separator ({@code ,} or <code>{</code>) outside any string, and no bracket lies
   * between the member and the final brace, so the member belongs to the top-level object.
   */
  static byte[] trailingSchemaVersion(byte[] json) {
    int p = skipSpaceBackwards(json, json.length - 1);
    if (p < 0 || json[p] != '}') {
      return null;
    }
    p = skipSpaceBackwards(json, p - 1);
    if (p < 0 || json[p] != '"') {
      return null;
    }
    int valueEnd = p;
    int valueStart = p - 1;
    while (valueStart >= 0 && json[valueStart] != '"') {
      if (json[valueStart] == '\\') {
        return null;
      }
      valueStart--;
    }
    if (valueStart < 0) {
      return null;
    }
    p = skipSpaceBackwards(json, valueStart - 1);
    if (p < 0 || json[p] != ':') {
      return null;
    }
    p = skipSpaceBackwards(json, p - 1);
    int keyStart = p - SCHEMA_VERSION_KEY.length + 1;
    if (keyStart < 0
        || !Arrays.equals(
            json, keyStart, p + 1, SCHEMA_VERSION_KEY, 0, SCHEMA_VERSION_KEY.length)) {
      return null;
    }
    p = skipSpaceBackwards(json, keyStart - 1);
    if (p < 0 || (json[p] != ',' && json[p] != '{')) {
      return null;
    }
    return Arrays.copyOfRange(json, valueStart + 1, valueEnd);
  }

  private static int skipSpaceBackwards(byte[] json, int p) {
    while (p >= 0 && (json[p] == ' ' || json[p] == '\n' || json[p] == '\r' || json[p] == '\t')) {
      p--;
    }
    return p;
  }
}
