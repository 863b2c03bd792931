package dev.streamll;

import java.util.LinkedHashMap;
import java.util.Map;

/** Options for a span before it starts; obtained from {@link Streamll#span(String)}. */
public final class SpanBuilder {
  private final Streamll streamll;
  private final String operation;
  private String moduleName;
  private String methodName;
  private Span parent;
  private boolean parentSet;
  // Allocated on first use: most spans have neither, and spans are opened on hot paths.
  private Map<String, String> tags = Map.of();
  private Map<String, Object> data = Map.of();
  private VersionInfo version;
  private boolean makeCurrent = true;

  SpanBuilder(Streamll streamll, String operation) {
    this.streamll = streamll;
    this.operation = operation;
  }

  /** The module (component) name; default: the parent's, else {@code app}. */
  public SpanBuilder module(String moduleName) {
    this.moduleName = moduleName;
    return this;
  }

  public SpanBuilder method(String methodName) {
    this.methodName = methodName;
    return this;
  }

  /** An explicit parent, e.g. one carried across threads; default: the current span. */
  public SpanBuilder parent(Span parent) {
    this.parent = parent;
    this.parentSet = true;
    return this;
  }

  public SpanBuilder tag(String key, String value) {
    mutableTags().put(key, value);
    return this;
  }

  public SpanBuilder tags(Map<String, String> tags) {
    if (!tags.isEmpty()) {
      mutableTags().putAll(tags);
    }
    return this;
  }

  private Map<String, String> mutableTags() {
    if (tags.isEmpty()) {
      tags = new LinkedHashMap<>();
    }
    return tags;
  }

  /** Data for the {@code start} event. */
  public SpanBuilder data(String key, Object value) {
    if (data.isEmpty()) {
      data = new LinkedHashMap<>();
    }
    data.put(key, value);
    return this;
  }

  public SpanBuilder version(VersionInfo version) {
    this.version = version;
    return this;
  }

  /**
   * Whether the span becomes current on this thread (default true). Use false for spans whose work
   * continues elsewhere, such as a streaming call completed by a callback thread.
   */
  public SpanBuilder makeCurrent(boolean makeCurrent) {
    this.makeCurrent = makeCurrent;
    return this;
  }

  public Span start() {
    Span effectiveParent = parentSet ? parent : Span.current();
    return streamll.startSpan(
        effectiveParent, moduleName, methodName, operation, tags, version, data, makeCurrent);
  }
}
