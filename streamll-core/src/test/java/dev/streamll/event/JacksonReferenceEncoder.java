package dev.streamll.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The encoder {@link EventCodec} used before it wrote JSON itself: every field through Jackson's
 * generator. Kept as the oracle the hand-written encoder must match byte for byte.
 */
final class JacksonReferenceEncoder {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  private final ObjectMapper mapper =
      new ObjectMapper()
          .registerModule(new JavaTimeModule())
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  private final JsonFactory factory = mapper.getFactory();
  private final int maxPayloadBytes;

  JacksonReferenceEncoder(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  byte[] encode(StreamllEvent event) {
    byte[] json;
    try {
      json = write(event, event.data(), event.tags());
    } catch (IOException | RuntimeException e) {
      json = writeUnchecked(event, coerce(event.data()), event.tags());
    }
    return json.length <= maxPayloadBytes ? json : truncate(event, json.length);
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
    safe.put(EventCodec.COERCED_MARKER, coerced);
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
      tags = Map.of(EventCodec.TRUNCATED_MARKER, "true");
    }
    int previewChars = Math.max(0, (maxPayloadBytes - 4096) / 6);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put(EventCodec.TRUNCATED_MARKER, true);
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
      g.writeStringField(
          "timestamp", TIMESTAMP.format(e.timestamp().truncatedTo(ChronoUnit.MICROS)));
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
}
