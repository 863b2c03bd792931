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
 * writes before {@code data}. Those three are first read in the codec's own layout ({@link
 * #CODEC_LAYOUT}: the nine leading members in its order and spelling, each value {@code null} or a
 * string free of backslashes, whose bytes are then its UTF-8 text): a walk that compares names
 * instead of searching for them, which took a fifth of the sink thread's time at a few hundred
 * thousand events per second. Any other shape falls back to the forward scan. A name given twice:
 * the first occurrence decides, except that a trailing {@code schema_version} wins, as it does when
 * Jackson reads the event.
 */
record RecordFields(byte[] executionId, byte[] eventType, byte[] moduleName, byte[] schemaVersion) {
  private static final TopLevelFields ALL =
      TopLevelFields.of("execution_id", "event_type", "module_name", "schema_version");
  private static final TopLevelFields LEADING =
      TopLevelFields.of("execution_id", "event_type", "module_name");
  private static final byte[] SCHEMA_VERSION_KEY =
      "\"schema_version\"".getBytes(StandardCharsets.US_ASCII);

  /** What {@code EventCodec} writes before each of the leading members' values, in its order. */
  static final byte[][] CODEC_LAYOUT =
      ascii(
          "{\"event_id\":",
          ",\"execution_id\":",
          ",\"parent_id\":",
          ",\"span_id\":",
          ",\"timestamp\":",
          ",\"module_name\":",
          ",\"method_name\":",
          ",\"operation\":",
          ",\"event_type\":");

  // For each layout member, where its value goes in codecLayout's result (the components' order:
  // execution_id, event_type, module_name), or -1 when it is not needed.
  private static final int[] LAYOUT_SLOTS = {-1, 0, -1, -1, -1, 2, -1, -1, 1};
  private static final byte[] NULL = "null".getBytes(StandardCharsets.US_ASCII);

  /**
   * Extracts the fields from {@code json} as UTF-8 text; a field that is absent or not a string is
   * null.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object
   */
  static RecordFields of(byte[] json) {
    byte[] schemaVersion = trailingSchemaVersion(json);
    if (schemaVersion != null) {
      byte[][] values = codecLayout(json);
      if (values == null) {
        values = LEADING.utf8(json);
      }
      return new RecordFields(values[0], values[1], values[2], schemaVersion);
    }
    byte[][] values = ALL.utf8(json);
    return new RecordFields(values[0], values[1], values[2], values[3]);
  }

  /**
   * {@code execution_id}, {@code event_type} and {@code module_name} as {@link TopLevelFields#utf8}
   * gives them, when {@code json} starts with the codec's {@link #CODEC_LAYOUT} and no value before
   * {@code data} holds an escape or a control character; otherwise null. Each member is matched
   * right after the previous value ends, so all of them are members of the top-level object, and
   * the first of their names in it.
   */
  static byte[][] codecLayout(byte[] json) {
    byte[][] values = new byte[3][];
    int p = 0;
    for (int member = 0; member < CODEC_LAYOUT.length; member++) {
      byte[] prefix = CODEC_LAYOUT[member];
      int end = p + prefix.length;
      if (end > json.length || !Arrays.equals(json, p, end, prefix, 0, prefix.length)) {
        return null;
      }
      p = end;
      int valueStart;
      int valueEnd;
      if (p < json.length && json[p] == '"') {
        valueStart = p + 1;
        valueEnd = TopLevelFields.nextSpecial(json, valueStart);
        if (valueEnd == json.length || json[valueEnd] != '"') {
          return null;
        }
        p = valueEnd + 1;
      } else if (p + NULL.length <= json.length
          && Arrays.equals(json, p, p + NULL.length, NULL, 0, NULL.length)) {
        valueStart = -1;
        valueEnd = -1;
        p += NULL.length;
      } else {
        return null;
      }
      int slot = LAYOUT_SLOTS[member];
      if (slot >= 0 && valueStart >= 0) {
        values[slot] = Arrays.copyOfRange(json, valueStart, valueEnd);
      }
    }
    return values;
  }

  private static byte[][] ascii(String... texts) {
    byte[][] bytes = new byte[texts.length][];
    for (int i = 0; i < texts.length; i++) {
      bytes[i] = texts[i].getBytes(StandardCharsets.US_ASCII);
    }
    return bytes;
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
