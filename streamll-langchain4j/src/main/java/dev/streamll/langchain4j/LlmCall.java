package dev.streamll.langchain4j;

import dev.streamll.Span;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One chat-model call in flight: its span and the time of its first streamed token. It travels in
 * the listener attributes map, which LangChain4j hands to {@code onRequest} and later to {@code
 * onResponse}/{@code onError} on whatever thread completes the call.
 */
final class LlmCall {
  /** The attributes key; an object nobody else can produce, so it cannot collide. */
  static final Object ATTRIBUTE = new Object();

  private final Span span;
  private final long startNanos = System.nanoTime();
  private final AtomicLong firstTokenNanos = new AtomicLong();

  LlmCall(Span span) {
    this.span = span;
  }

  static LlmCall from(Map<Object, Object> attributes) {
    return attributes == null ? null : (LlmCall) attributes.get(ATTRIBUTE);
  }

  Span span() {
    return span;
  }

  void token(String text) {
    firstTokenNanos.compareAndSet(0, System.nanoTime());
    span.token(text);
  }

  /** Seconds from the request to the first token, or -1 if nothing streamed. */
  double secondsToFirstToken() {
    long first = firstTokenNanos.get();
    return first == 0 ? -1 : (first - startNanos) / 1e9;
  }
}
