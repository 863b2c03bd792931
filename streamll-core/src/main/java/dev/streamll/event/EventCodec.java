package dev.streamll.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Encodes events to wire schema 1.0 JSON and reads them back, including events written by StreamLL
 * for Python (timestamps with {@code +00:00} offsets, no {@code span_id}).
 *
 * <p>Encoding never fails because of what the application put in {@code data}: a value Jackson
 * cannot serialize is written as its {@code toString()} and its key is listed under {@code
 * _streamll_coerced}; an event whose JSON exceeds {@code maxPayloadBytes} has its {@code data}
 * replaced by a preview marked {@code _streamll_truncated}. An instance is thread-safe.
 */
public final class EventCodec {
  public static final String COERCED_MARKER = "_streamll_coerced";
  public static final String TRUNCATED_MARKER = "_streamll_truncated";
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1 << 20;

  // Year 10000 needs five digits; the fast formatter handles four.
  private static final long MAX_FAST_EPOCH_SECOND = 253_402_300_800L;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final TypeReference<Map<String, Object>> DATA_TYPE = new TypeReference<>() {};

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  private final int maxPayloadBytes;

  public EventCodec() {
    this(DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public EventCodec(int maxPayloadBytes) {
    if (maxPayloadBytes < 1024) {
      throw new IllegalArgumentException(
          "maxPayloadBytes must be at least 1024 bytes, was " + maxPayloadBytes);
    }
    this.maxPayloadBytes = maxPayloadBytes;
    this.mapper =
        new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    this.factory = mapper.getFactory();
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  /** The shared mapper, configured for event payloads. Do not reconfigure it. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** ISO-8601 UTC with exactly six fractional digits, e.g. {@code 2026-11-25T16:31:42.123456Z}. */
  public static String formatTimestamp(Instant instant) {
    long seconds = instant.getEpochSecond();
    if (seconds < 0 || seconds >= MAX_FAST_EPOCH_SECOND) {
      return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
    }
    // The writer formats every event's timestamp: this avoids DateTimeFormatter's allocations.
    LocalDate date = LocalDate.ofEpochDay(seconds / 86_400);
    int secondOfDay = (int) (seconds % 86_400);
    char[] out = new char[27];
    digits(out, 0, date.getYear(), 4);
    out[4] = '-';
    digits(out, 5, date.getMonthValue(), 2);
    out[7] = '-';
    digits(out, 8, date.getDayOfMonth(), 2);
    out[10] = 'T';
    digits(out, 11, secondOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, secondOfDay / 60 % 60, 2);
    out[16] = ':';
    digits(out, 17, secondOfDay % 60, 2);
    out[19] = '.';
    digits(out, 20, instant.getNano() / 1000, 6);
    out[26] = 'Z';
    return new String(out);
  }

  private static void digits(char[] out, int offset, int value, int width) {
    for (int i = offset + width - 1; i >= offset; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }

  /** The event as UTF-8 JSON, coerced and truncated as described above; never throws. */
  public byte[] encode(StreamllEvent event) {
    byte[] json;
    try {
      json = write(event, event.data(), event.tags());
    } catch (IOException | RuntimeException e) {
      json = writeUnchecked(event, coerce(event.data()), event.tags());
    }
    return json.length <= maxPayloadBytes ? json : truncate(event, json.length);
  }

  public String encodeToString(StreamllEvent event) {
    return new String(encode(event), StandardCharsets.UTF_8);
  }

  private Map<String, Object> coerce(Map<String, Object> data) {
    Map<String, Object> safe = new LinkedHashMap<>();
    List<String> coerced = new ArrayList<>();
    for (Map.Entry<String, Object> entry : data.entrySet()) {
      Object value = entry.getValue();
      try {
        mapper.writeValueAsBytes(value);
        safe.put(entry.getKey(), value);
      } catch (IOException | RuntimeException e) {
        safe.put(entry.getKey(), describe(value));
        coerced.add(entry.getKey());
      }
    }
    safe.put(COERCED_MARKER, coerced);
    return safe;
  }

  private static String describe(Object value) {
    try {
      return String.valueOf(value);
    } catch (RuntimeException e) {
      return "<unprintable " + value.getClass().getName() + ">";
    }
  }

  private byte[] truncate(StreamllEvent event, int originalBytes) {
    String dataJson;
    try {
      dataJson = mapper.writeValueAsString(event.data());
    } catch (IOException | RuntimeException e) {
      dataJson = describe(event.data());
    }
    Map<String, String> tags = event.tags();
    int tagBytes = tags.entrySet().stream().mapToInt(e -> e.getKey().length() + lengthOf(e)).sum();
    if (tagBytes > maxPayloadBytes / 4) {
      tags = Map.of(TRUNCATED_MARKER, "true");
    }
    // Leave room for the fixed fields and JSON escaping of the preview (worst case 6 bytes/char).
    int previewChars = Math.max(0, (maxPayloadBytes - 4096) / 6);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(TRUNCATED_MARKER, true);
    data.put("original_bytes", originalBytes);
    data.put("preview", dataJson.substring(0, Math.min(previewChars, dataJson.length())));
    return writeUnchecked(event, data, tags);
  }

  private static int lengthOf(Map.Entry<String, String> entry) {
    return entry.getValue() == null ? 0 : entry.getValue().length();
  }

  private byte[] writeUnchecked(
      StreamllEvent event, Map<String, Object> data, Map<String, String> tags) {
    try {
      return write(event, data, tags);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] write(StreamllEvent e, Map<String, Object> data, Map<String, String> tags)
      throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = factory.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("event_id", e.eventId());
      g.writeStringField("execution_id", e.executionId());
      g.writeStringField("parent_id", e.parentId());
      g.writeStringField("span_id", e.spanId());
      g.writeStringField("timestamp", formatTimestamp(e.timestamp()));
      g.writeStringField("module_name", e.moduleName());
      g.writeStringField("method_name", e.methodName());
      g.writeStringField("operation", e.operation());
      g.writeStringField("event_type", e.eventType());
      g.writeObjectFieldStart("data");
      for (Map.Entry<String, Object> entry : data.entrySet()) {
        g.writeFieldName(entry.getKey());
        writeValue(g, entry.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> tag : tags.entrySet()) {
        g.writeStringField(tag.getKey(), tag.getValue());
      }
      g.writeEndObject();
      g.writeStringField("module_version", e.moduleVersion());
      g.writeStringField("code_signature", e.codeSignature());
      g.writeStringField("git_commit", e.gitCommit());
      g.writeStringField("schema_version", e.schemaVersion());
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  // Token events and most LLM-call data are strings and numbers: write those directly and leave
  // everything else to the mapper, which costs a serializer lookup per value.
  private void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String) {
      g.writeString((String) value);
    } else if (value instanceof Integer) {
      g.writeNumber((Integer) value);
    } else if (value instanceof Long) {
      g.writeNumber((Long) value);
    } else if (value instanceof Double) {
      g.writeNumber((Double) value);
    } else if (value instanceof Boolean) {
      g.writeBoolean((Boolean) value);
    } else {
      mapper.writeValue(g, value);
    }
  }

  /**
   * Reads one event. Unknown fields are ignored; missing optional fields become null or defaults.
   *
   * @throws IllegalArgumentException when the bytes are not a JSON object of the expected shape,
   *     with the field at fault in the message
   */
  public StreamllEvent decode(byte[] json) {
    return decode(json, 0, json.length);
  }

  public StreamllEvent decode(byte[] json, int offset, int length) {
    JsonNode node;
    try (JsonParser parser = factory.createParser(json, offset, length)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("event JSON must be an object");
      }
      node = mapper.readTree(parser);
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed event JSON: " + e.getMessage(), e);
    }
    return fromTree((ObjectNode) node);
  }

  public StreamllEvent decode(String json) {
    return decode(json.getBytes(StandardCharsets.UTF_8));
  }

  private StreamllEvent fromTree(ObjectNode node) {
    StreamllEvent.Builder b =
        StreamllEvent.builder()
            .eventId(text(node, "event_id"))
            .executionId(text(node, "execution_id"))
            .parentId(text(node, "parent_id"))
            .spanId(text(node, "span_id"))
            .timestamp(parseTimestamp(text(node, "timestamp")))
            .moduleName(text(node, "module_name"))
            .methodName(text(node, "method_name"))
            .operation(text(node, "operation"))
            .eventType(text(node, "event_type"))
            .moduleVersion(text(node, "module_version"))
            .codeSignature(text(node, "code_signature"))
            .gitCommit(text(node, "git_commit"))
            .schemaVersion(text(node, "schema_version"));
    JsonNode data = node.get("data");
    if (data != null && !data.isNull()) {
      if (!data.isObject()) {
        throw new IllegalArgumentException(
            "field 'data' must be an object, was " + data.getNodeType());
      }
      b.data(mapper.convertValue(data, DATA_TYPE));
    }
    JsonNode tags = node.get("tags");
    if (tags != null && !tags.isNull()) {
      if (!tags.isObject()) {
        throw new IllegalArgumentException(
            "field 'tags' must be an object, was " + tags.getNodeType());
      }
      for (Map.Entry<String, JsonNode> tag : tags.properties()) {
        b.tag(tag.getKey(), tag.getValue().isNull() ? null : tag.getValue().asText());
      }
    }
    return b.build();
  }

  private static String text(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw new IllegalArgumentException("field '" + field + "' must be a string");
    }
    return value.asText();
  }

  /** Parses ISO-8601 with or without offset (no offset means UTC, as Python's naive datetimes). */
  public static Instant parseTimestamp(String text) {
    if (text == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(text).toInstant();
    } catch (DateTimeParseException withoutOffset) {
      try {
        return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("field 'timestamp' is not ISO-8601: '" + text + "'", e);
      }
    }
  }
}
