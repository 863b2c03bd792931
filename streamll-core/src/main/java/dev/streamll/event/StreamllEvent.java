package dev.streamll.event;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One thing an LLM application did: wire schema 1.0 (see {@code
 * docs/schema/streamll-event-1.0.json}). Field names map to snake_case JSON ({@code eventId} →
 * {@code event_id}).
 *
 * <p>{@code data} and {@code tags} are never null and are unmodifiable. Values in {@code data}
 * should be immutable: the event is encoded on a background thread after {@code emit} returns.
 */
public record StreamllEvent(
    String eventId,
    String executionId,
    String parentId,
    String spanId,
    Instant timestamp,
    String moduleName,
    String methodName,
    String operation,
    String eventType,
    Map<String, Object> data,
    Map<String, String> tags,
    String moduleVersion,
    String codeSignature,
    String gitCommit,
    String schemaVersion) {

  public static final String SCHEMA_VERSION = "1.0";
  public static final String DEFAULT_MODULE = "app";
  public static final String DEFAULT_METHOD = "call";
  public static final String DEFAULT_OPERATION = "unknown";
  public static final String DEFAULT_EVENT_TYPE = "custom";

  /** Names, operations and types longer than this are cut: they are labels, not payloads. */
  public static final int MAX_NAME_LENGTH = 256;

  // Maps of these classes cannot change after construction, so they are kept without a copy;
  // this keeps token events (built with Map.of) free of an extra allocation on the emit path.
  private static final Set<Class<?>> IMMUTABLE_MAPS =
      Set.copyOf(
          List.of(
              Map.of().getClass(),
              Map.of("k", "v").getClass(),
              Map.of("k", "v", "k2", "v2").getClass(),
              Collections.emptyMap().getClass()));

  public StreamllEvent {
    eventId = eventId == null ? EventIds.newId() : eventId;
    executionId = executionId == null ? eventId : executionId;
    spanId = spanId == null ? eventId : spanId;
    timestamp = timestamp == null ? Instant.now() : timestamp;
    moduleName = name(moduleName, DEFAULT_MODULE);
    methodName = name(methodName, DEFAULT_METHOD);
    operation = name(operation, DEFAULT_OPERATION);
    eventType = name(eventType, DEFAULT_EVENT_TYPE);
    data = freeze(data);
    tags = freeze(tags);
    schemaVersion = schemaVersion == null ? SCHEMA_VERSION : schemaVersion;
  }

  private static String name(String value, String fallback) {
    if (value == null || value.isEmpty()) {
      return fallback;
    }
    return value.length() > MAX_NAME_LENGTH ? value.substring(0, MAX_NAME_LENGTH) : value;
  }

  /**
   * An unmodifiable copy; a null key (which a caller's HashMap allows but JSON does not) becomes
   * the key {@code "null"}, so that the event can still be encoded rather than dropped.
   */
  private static <V> Map<String, V> freeze(Map<String, V> map) {
    if (map == null || map.isEmpty()) {
      return Map.of();
    }
    if (IMMUTABLE_MAPS.contains(map.getClass())) {
      return map;
    }
    Map<String, V> copy = new LinkedHashMap<>(map);
    if (copy.containsKey(null)) {
      copy.putIfAbsent("null", copy.remove(null));
    }
    return Collections.unmodifiableMap(copy);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this event's values. */
  public Builder toBuilder() {
    return new Builder()
        .eventId(eventId)
        .executionId(executionId)
        .parentId(parentId)
        .spanId(spanId)
        .timestamp(timestamp)
        .moduleName(moduleName)
        .methodName(methodName)
        .operation(operation)
        .eventType(eventType)
        .data(data)
        .tags(tags)
        .moduleVersion(moduleVersion)
        .codeSignature(codeSignature)
        .gitCommit(gitCommit)
        .schemaVersion(schemaVersion);
  }

  /** Builds a {@link StreamllEvent}; unset ids and timestamp are generated, names defaulted. */
  public static final class Builder {
    private String eventId;
    private String executionId;
    private String parentId;
    private String spanId;
    private Instant timestamp;
    private String moduleName;
    private String methodName;
    private String operation;
    private String eventType;
    private final Map<String, Object> data = new LinkedHashMap<>();
    private final Map<String, String> tags = new LinkedHashMap<>();
    private String moduleVersion;
    private String codeSignature;
    private String gitCommit;
    private String schemaVersion;

    private Builder() {}

    public Builder eventId(String eventId) {
      this.eventId = eventId;
      return this;
    }

    public Builder executionId(String executionId) {
      this.executionId = executionId;
      return this;
    }

    public Builder parentId(String parentId) {
      this.parentId = parentId;
      return this;
    }

    public Builder spanId(String spanId) {
      this.spanId = spanId;
      return this;
    }

    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      return this;
    }

    public Builder moduleName(String moduleName) {
      this.moduleName = moduleName;
      return this;
    }

    public Builder methodName(String methodName) {
      this.methodName = methodName;
      return this;
    }

    public Builder operation(String operation) {
      this.operation = operation;
      return this;
    }

    public Builder eventType(String eventType) {
      this.eventType = eventType;
      return this;
    }

    public Builder data(String key, Object value) {
      this.data.put(key, value);
      return this;
    }

    public Builder data(Map<String, ?> data) {
      if (data != null) {
        this.data.putAll(data);
      }
      return this;
    }

    public Builder tag(String key, String value) {
      this.tags.put(key, value);
      return this;
    }

    public Builder tags(Map<String, String> tags) {
      if (tags != null) {
        this.tags.putAll(tags);
      }
      return this;
    }

    public Builder moduleVersion(String moduleVersion) {
      this.moduleVersion = moduleVersion;
      return this;
    }

    public Builder codeSignature(String codeSignature) {
      this.codeSignature = codeSignature;
      return this;
    }

    public Builder gitCommit(String gitCommit) {
      this.gitCommit = gitCommit;
      return this;
    }

    public Builder schemaVersion(String schemaVersion) {
      this.schemaVersion = schemaVersion;
      return this;
    }

    public StreamllEvent build() {
      return new StreamllEvent(
          eventId,
          executionId,
          parentId,
          spanId,
          timestamp,
          moduleName,
          methodName,
          operation,
          eventType,
          data,
          tags,
          moduleVersion,
          codeSignature,
          gitCommit,
          schemaVersion);
    }
  }
}
