package dev.streamll.redis.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;

/**
 * Stores a value as JSON (Jackson) in one field of the entry, {@code payload} unless told
 * otherwise. StreamLL's Redis sink writes its events into the field {@code event}: read them with
 * {@code JsonEntryCodec.of(JsonNode.class, "event")}.
 */
public final class JsonEntryCodec<T> implements EntryCodec<T> {

  /** The field used when none is named. */
  public static final String DEFAULT_FIELD = "payload";

  private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper().findAndRegisterModules();

  private final Class<T> type;
  private final String field;
  private final ObjectMapper mapper;

  private JsonEntryCodec(Class<T> type, String field, ObjectMapper mapper) {
    this.type = Objects.requireNonNull(type, "type");
    this.field = Objects.requireNonNull(field, "field");
    this.mapper = Objects.requireNonNull(mapper, "mapper");
    if (field.isBlank()) {
      throw new IllegalArgumentException(
          "JSON codec field is blank: name the entry field, e.g. \"payload\"");
    }
  }

  /** JSON in the field {@value #DEFAULT_FIELD}. */
  public static <T> JsonEntryCodec<T> of(Class<T> type) {
    return new JsonEntryCodec<>(type, DEFAULT_FIELD, DEFAULT_MAPPER);
  }

  /** JSON in the given field. */
  public static <T> JsonEntryCodec<T> of(Class<T> type, String field) {
    return new JsonEntryCodec<>(type, field, DEFAULT_MAPPER);
  }

  /** JSON in the given field, written and read with the caller's mapper. */
  public static <T> JsonEntryCodec<T> of(Class<T> type, String field, ObjectMapper mapper) {
    return new JsonEntryCodec<>(type, field, mapper);
  }

  /** The entry field holding the JSON. */
  public String field() {
    return field;
  }

  @Override
  public Map<String, String> encode(T value) {
    try {
      return Map.of(field, mapper.writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(
          "cannot write " + type.getName() + " as JSON: " + e.getOriginalMessage(), e);
    }
  }

  @Override
  public T decode(Map<String, String> fields) {
    String json = fields.get(field);
    if (json == null) {
      throw new IllegalArgumentException(
          "entry has no field '" + field + "' (fields: " + fields.keySet() + ")");
    }
    try {
      return mapper.readValue(json, type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "field '"
              + field
              + "' is not a JSON "
              + type.getSimpleName()
              + ": "
              + e.getOriginalMessage(),
          e);
    }
  }
}
