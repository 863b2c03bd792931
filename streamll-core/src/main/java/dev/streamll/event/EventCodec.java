package dev.streamll.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteConstraints;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
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
import java.util.concurrent.atomic.AtomicReference;

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
  static final int TIMESTAMP_LENGTH = 27;
  static final int SECOND_LENGTH = 19;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static final TypeReference<Map<String, Object>> DATA_TYPE = new TypeReference<>() {};

  private static final byte[] EVENT_ID = JsonBytes.ascii("{\"event_id\":");
  private static final byte[] EXECUTION_ID = JsonBytes.ascii(",\"execution_id\":");
  private static final byte[] PARENT_ID = JsonBytes.ascii(",\"parent_id\":");
  private static final byte[] SPAN_ID = JsonBytes.ascii(",\"span_id\":");
  private static final byte[] TIMESTAMP_FIELD = JsonBytes.ascii(",\"timestamp\":");
  private static final byte[] MODULE_NAME = JsonBytes.ascii(",\"module_name\":");
  private static final byte[] METHOD_NAME = JsonBytes.ascii(",\"method_name\":");
  private static final byte[] OPERATION = JsonBytes.ascii(",\"operation\":");
  private static final byte[] EVENT_TYPE = JsonBytes.ascii(",\"event_type\":");
  private static final byte[] DATA = JsonBytes.ascii(",\"data\":{");
  private static final byte[] TAGS = JsonBytes.ascii("},\"tags\":{");
  private static final byte[] MODULE_VERSION = JsonBytes.ascii("},\"module_version\":");
  private static final byte[] CODE_SIGNATURE = JsonBytes.ascii(",\"code_signature\":");
  private static final byte[] GIT_COMMIT = JsonBytes.ascii(",\"git_commit\":");
  private static final byte[] SCHEMA_VERSION = JsonBytes.ascii(",\"schema_version\":");

  private final ObjectMapper mapper;
  private final JsonFactory factory;
  // Writes data values other than the common scalars. In the event those values sit two objects
  // deep (the event, its data), so this mapper allows two levels less nesting than the shared one:
  // a value too deep to write inside the event is too deep to write here as well.
  private final ObjectMapper valueMapper;
  private final int maxPayloadBytes;
  // The writer thread encodes one event at a time: it reuses this buffer; a concurrent caller that
  // finds it taken uses its own.
  private final AtomicReference<JsonBytes> spare = new AtomicReference<>();

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
    int maxDepth = factory.streamWriteConstraints().getMaxNestingDepth();
    this.valueMapper =
        mapper.copyWith(
            JsonFactory.builder()
                .streamWriteConstraints(
                    StreamWriteConstraints.builder().maxNestingDepth(maxDepth - 2).build())
                .build());
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
    if (!fastTimestamp(instant)) {
      return TIMESTAMP.format(instant.truncatedTo(ChronoUnit.MICROS));
    }
    byte[] out = new byte[TIMESTAMP_LENGTH];
    writeTimestamp(out, 0, instant);
    return new String(out, StandardCharsets.ISO_8859_1);
  }

  /** Whether {@link #writeTimestamp} can format this instant (years 1970 to 9999). */
  static boolean fastTimestamp(Instant instant) {
    long seconds = instant.getEpochSecond();
    return seconds >= 0 && seconds < MAX_FAST_EPOCH_SECOND;
  }

  /**
   * Writes {@link #formatTimestamp}'s {@value #TIMESTAMP_LENGTH} ASCII bytes for an instant {@link
   * #fastTimestamp} accepts. The writer formats every event's timestamp: this avoids
   * DateTimeFormatter's allocations.
   */
  static void writeTimestamp(byte[] out, int offset, Instant instant) {
    writeSecond(out, offset, instant.getEpochSecond());
    writeFraction(out, offset + SECOND_LENGTH, instant.getNano());
  }

  /** The first {@value #SECOND_LENGTH} bytes of a timestamp: date and time to the second. */
  static void writeSecond(byte[] out, int offset, long epochSecond) {
    LocalDate date = LocalDate.ofEpochDay(epochSecond / 86_400);
    int secondOfDay = (int) (epochSecond % 86_400);
    int o = offset;
    digits(out, o, date.getYear(), 4);
    out[o + 4] = '-';
    digits(out, o + 5, date.getMonthValue(), 2);
    out[o + 7] = '-';
    digits(out, o + 8, date.getDayOfMonth(), 2);
    out[o + 10] = 'T';
    digits(out, o + 11, secondOfDay / 3600, 2);
    out[o + 13] = ':';
    digits(out, o + 14, secondOfDay / 60 % 60, 2);
    out[o + 16] = ':';
    digits(out, o + 17, secondOfDay % 60, 2);
  }

  /** The rest of a timestamp after {@link #writeSecond}: six fractional digits and the zone. */
  static void writeFraction(byte[] out, int offset, int nanos) {
    out[offset] = '.';
    digits(out, offset + 1, nanos / 1000, 6);
    out[offset + 7] = 'Z';
  }

  private static void digits(byte[] out, int offset, int value, int width) {
    for (int i = offset + width - 1; i >= offset; i--) {
      out[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  /** The event as UTF-8 JSON, coerced and truncated as described above; never throws. */
  public byte[] encode(StreamllEvent event) {
    JsonBytes out = spare.getAndSet(null);
    if (out == null) {
      out = new JsonBytes();
    }
    try {
      byte[] json;
      try {
        json = write(out, event, event.data(), event.tags());
      } catch (IOException | RuntimeException e) {
        json = writeUnchecked(out, event, coerce(event.data()), event.tags());
      }
      return json.length <= maxPayloadBytes ? json : truncate(out, event, json.length);
    } finally {
      if (out.keepable()) {
        spare.set(out);
      }
    }
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

  private byte[] truncate(JsonBytes out, StreamllEvent event, int originalBytes) {
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
    return writeUnchecked(out, event, data, tags);
  }

  private static int lengthOf(Map.Entry<String, String> entry) {
    return entry.getValue() == null ? 0 : entry.getValue().length();
  }

  private byte[] writeUnchecked(
      JsonBytes out, StreamllEvent event, Map<String, Object> data, Map<String, String> tags) {
    try {
      return write(out, event, data, tags);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // The bytes Jackson's generator wrote for this event (field order, no whitespace), without its
  // per-call set-up: this runs on the writer thread for every event.
  private byte[] write(
      JsonBytes out, StreamllEvent e, Map<String, Object> data, Map<String, String> tags)
      throws IOException {
    out.reset();
    out.raw(EVENT_ID);
    out.string(e.eventId());
    out.raw(EXECUTION_ID);
    out.string(e.executionId());
    out.raw(PARENT_ID);
    out.string(e.parentId());
    out.raw(SPAN_ID);
    out.string(e.spanId());
    out.raw(TIMESTAMP_FIELD);
    out.timestamp(e.timestamp());
    out.raw(MODULE_NAME);
    out.string(e.moduleName());
    out.raw(METHOD_NAME);
    out.string(e.methodName());
    out.raw(OPERATION);
    out.string(e.operation());
    out.raw(EVENT_TYPE);
    out.string(e.eventType());
    out.raw(DATA);
    boolean first = true;
    for (Map.Entry<String, Object> entry : data.entrySet()) {
      if (!first) {
        out.raw((byte) ',');
      }
      first = false;
      out.name(entry.getKey());
      writeValue(out, entry.getValue());
    }
    out.raw(TAGS);
    first = true;
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (!first) {
        out.raw((byte) ',');
      }
      first = false;
      out.name(tag.getKey());
      out.string(tag.getValue());
    }
    out.raw(MODULE_VERSION);
    out.string(e.moduleVersion());
    out.raw(CODE_SIGNATURE);
    out.string(e.codeSignature());
    out.raw(GIT_COMMIT);
    out.string(e.gitCommit());
    out.raw(SCHEMA_VERSION);
    out.string(e.schemaVersion());
    out.raw((byte) '}');
    return out.toByteArray();
  }

  // Token events and most LLM-call data are strings and numbers: write those directly and leave
  // everything else to the mapper, which costs a serializer lookup per value.
  private void writeValue(JsonBytes out, Object value) throws IOException {
    if (value == null) {
      out.writeNull();
    } else if (value instanceof String) {
      out.string((String) value);
    } else if (value instanceof Integer) {
      out.number((long) (Integer) value);
    } else if (value instanceof Long) {
      out.number((long) (Long) value);
    } else if (value instanceof Double) {
      out.number((double) (Double) value);
    } else if (value instanceof Boolean) {
      out.bool((Boolean) value);
    } else {
      out.raw(valueMapper.writeValueAsBytes(value));
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
