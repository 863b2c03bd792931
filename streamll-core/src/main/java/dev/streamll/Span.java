package dev.streamll;

import dev.streamll.event.EventIds;
import dev.streamll.event.EventTypes;
import dev.streamll.event.StreamllEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One traced unit of work: a {@code start} event when opened, {@code token} and custom events while
 * it runs, and an {@code end} (with {@code duration_seconds}) or {@code error} event when closed.
 * Spans nest: a span opened while another is current on the thread becomes its child, sharing its
 * {@code execution_id} and naming it as {@code parent_id}.
 *
 * <pre>{@code
 * try (Span span = streamll.trace("llm_call")) {
 *   span.token("Hel").token("lo");
 *   span.set("gen_ai.usage.output_tokens", 2);
 * } // end event
 * }</pre>
 *
 * <p>A span may be closed on another thread than the one that opened it (streaming callbacks);
 * token and emit calls may come from any thread. No method throws into the application.
 */
public final class Span implements AutoCloseable {
  private static final int MAX_STACK_CHARS = 4096;
  private static final ThreadLocal<Span> CURRENT = new ThreadLocal<>();

  private final Streamll streamll;
  private final String spanId;
  private final String executionId;
  private final String parentId;
  private final String moduleName;
  private final String methodName;
  private final String operation;
  private final VersionInfo version;
  private volatile Map<String, String> tags;
  private final long startNanos;
  private final AtomicInteger tokenIndex = new AtomicInteger();
  private final Map<String, Object> endData = new LinkedHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Span previous;
  private final Thread owner;
  private volatile Throwable failure;

  Span(
      Streamll streamll,
      Span parent,
      String moduleName,
      String methodName,
      String operation,
      Map<String, String> tags,
      VersionInfo version,
      Map<String, Object> startData,
      boolean makeCurrent) {
    this.streamll = streamll;
    this.spanId = EventIds.newId();
    this.executionId = parent == null ? EventIds.newId() : parent.executionId;
    this.parentId = parent == null ? null : parent.spanId;
    this.moduleName = moduleName != null ? moduleName : parent != null ? parent.moduleName : null;
    this.methodName = methodName;
    this.operation = operation;
    this.version = version != null ? version : inheritedVersion(parent, this.moduleName);
    this.tags = tags;
    this.startNanos = System.nanoTime();
    this.owner = makeCurrent ? Thread.currentThread() : null;
    this.previous = makeCurrent ? CURRENT.get() : null;
    if (makeCurrent) {
      CURRENT.set(this);
    }
    streamll.emit(event(EventTypes.START, startData));
  }

  // A child span of the same module runs that module's code, so it carries the module's version.
  private static VersionInfo inheritedVersion(Span parent, String moduleName) {
    if (parent != null && java.util.Objects.equals(parent.moduleName, moduleName)) {
      return parent.version;
    }
    return VersionInfo.NONE;
  }

  /** The span current on this thread, or null. */
  public static Span current() {
    return CURRENT.get();
  }

  static Span swapCurrent(Span span) {
    Span before = CURRENT.get();
    if (span == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(span);
    }
    return before;
  }

  public String spanId() {
    return spanId;
  }

  public String executionId() {
    return executionId;
  }

  public String parentId() {
    return parentId;
  }

  public String operation() {
    return operation;
  }

  public String moduleName() {
    return moduleName;
  }

  Map<String, String> tags() {
    return tags;
  }

  /** Emits a {@code token} event with {@code token} and a running {@code token_index}. */
  public Span token(String token) {
    int index = tokenIndex.getAndIncrement();
    streamll.emit(
        event(
            EventTypes.TOKEN,
            Map.of("token", token == null ? "" : token, "token_index", index),
            VersionInfo.NONE));
    return this;
  }

  /** Tokens emitted so far. */
  public int tokenCount() {
    return tokenIndex.get();
  }

  /** Emits a custom event of {@code eventType} within this span. */
  public Span emit(String eventType, Map<String, ?> data) {
    streamll.emit(event(eventType, data == null ? Map.of() : new LinkedHashMap<>(data)));
    return this;
  }

  /** Adds {@code key} to the data of the closing {@code end} or {@code error} event. */
  public Span set(String key, Object value) {
    synchronized (endData) {
      endData.put(key, value);
    }
    return this;
  }

  /** Adds a tag to this span's later events and to spans opened inside it. */
  public Span tag(String key, String value) {
    Map<String, String> copy = new LinkedHashMap<>(tags);
    copy.put(key, value);
    tags = Map.copyOf(copy);
    return this;
  }

  /** Marks the span failed: closing it emits {@code error} instead of {@code end}. */
  public Span fail(Throwable error) {
    this.failure = error;
    return this;
  }

  /** Emits {@code end} (or {@code error} after {@link #fail}); later calls do nothing. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (owner == Thread.currentThread() && CURRENT.get() == this) {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    Throwable error = failure;
    Map<String, Object> data;
    synchronized (endData) {
      if (endData.isEmpty() && error == null) {
        streamll.emit(event(EventTypes.END, Map.of("duration_seconds", seconds)));
        return;
      }
      data = new LinkedHashMap<>(endData);
    }
    data.put("duration_seconds", seconds);
    if (error == null) {
      streamll.emit(event(EventTypes.END, data));
    } else {
      data.put("error_type", error.getClass().getName());
      data.put("error_message", String.valueOf(error.getMessage()));
      data.put("stack_trace", boundedStackTrace(error));
      streamll.emit(event(EventTypes.ERROR, data));
    }
  }

  private StreamllEvent event(String eventType, Map<String, Object> data) {
    return event(eventType, data, version);
  }

  // Token events leave the version fields out: they are many, and their span's start says it.
  private StreamllEvent event(String eventType, Map<String, Object> data, VersionInfo version) {
    return new StreamllEvent(
        EventIds.newId(),
        executionId,
        parentId,
        spanId,
        Instant.now(),
        moduleName,
        methodName,
        operation,
        eventType,
        data,
        tags,
        version.moduleVersion(),
        version.codeSignature(),
        version.gitCommit(),
        StreamllEvent.SCHEMA_VERSION);
  }

  static String boundedStackTrace(Throwable error) {
    StringWriter out = new StringWriter();
    error.printStackTrace(new PrintWriter(out));
    String trace = out.toString();
    return trace.length() <= MAX_STACK_CHARS
        ? trace
        : trace.substring(0, MAX_STACK_CHARS) + "\n\t... (truncated)";
  }
}
