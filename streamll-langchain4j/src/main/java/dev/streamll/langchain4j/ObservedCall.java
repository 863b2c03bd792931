package dev.streamll.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.streamll.Span;
import java.lang.ref.Cleaner;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listener calls of one decorated model call, guarded so that instrumentation can never fail
 * the call. Holds the attributes map that carries the span from request to completion.
 */
final class ObservedCall {
  private static final Logger log = LoggerFactory.getLogger(ObservedCall.class);

  private final StreamllChatModelListener listener;
  private final ChatRequest request;
  private final ModelProvider provider;
  private final Map<Object, Object> attributes;
  private final LlmCall call;
  // The first outcome (completed, failed, abandoned) ends the call; later ones are ignored.
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile Cleaner.Cleanable watch;

  private ObservedCall(
      StreamllChatModelListener listener,
      ChatRequest request,
      ModelProvider provider,
      Map<Object, Object> attributes) {
    this.listener = listener;
    this.request = request;
    this.provider = provider;
    this.attributes = attributes;
    LlmCall started = null;
    try {
      listener.onRequest(new ChatModelRequestContext(request, provider, attributes));
      started = LlmCall.from(attributes);
    } catch (RuntimeException e) {
      log.warn("StreamLL could not record the start of an llm_call", e);
    }
    this.call = started;
  }

  /**
   * Records the start of a call of a model with {@code defaults}, under {@code parent} (may be
   * null: then the span current on this thread).
   */
  static ObservedCall start(
      StreamllChatModelListener listener,
      ChatRequest request,
      ChatRequestOptions options,
      ChatRequestParameters defaults,
      ModelProvider provider,
      Span parent,
      boolean streaming) {
    Map<Object, Object> attributes =
        new ConcurrentHashMap<>(options == null ? Map.of() : options.listenerAttributes());
    if (parent != null) {
      attributes.putIfAbsent(StreamllLangChain4j.PARENT_SPAN, parent);
    }
    attributes.put(StreamllChatModelListener.STREAMING, streaming);
    ChatRequest effective = request;
    try {
      if (defaults != null && request.parameters() != null) {
        effective =
            ChatRequest.builder()
                .messages(request.messages())
                .parameters(defaults.overrideWith(request.parameters()))
                .build();
      }
    } catch (RuntimeException e) {
      log.debug("Could not merge default request parameters; recording the request as sent", e);
    }
    return new ObservedCall(listener, effective, provider, attributes);
  }

  void token(String text) {
    if (call != null) {
      call.token(text);
    }
  }

  /**
   * The cleaner registration that would report this call abandoned; released when the call ends, so
   * that it does not hold the request and span until the handler is collected.
   */
  void watchedBy(Cleaner.Cleanable watch) {
    this.watch = watch;
  }

  private boolean end() {
    if (!ended.compareAndSet(false, true)) {
      return false;
    }
    Cleaner.Cleanable registered = watch;
    if (registered != null) {
      // Runs abandoned() here, which finds the call ended.
      registered.clean();
    }
    return true;
  }

  void completed(ChatResponse response) {
    if (!end()) {
      return;
    }
    try {
      listener.onResponse(new ChatModelResponseContext(response, request, provider, attributes));
    } catch (RuntimeException e) {
      log.warn("StreamLL could not record the end of an llm_call", e);
    }
  }

  void failed(Throwable error) {
    if (end()) {
      recordError(error);
    }
  }

  /**
   * Ends a call that can no longer end by itself (its model dropped the response handler without
   * answering) as failed with {@code error}, marked {@code abandoned}; nothing if it has ended.
   */
  void abandoned(Throwable error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    if (call != null) {
      call.span().set("abandoned", true);
    }
    recordError(error);
  }

  private void recordError(Throwable error) {
    try {
      listener.onError(new ChatModelErrorContext(error, request, provider, attributes));
    } catch (RuntimeException e) {
      log.warn("StreamLL could not record the error of an llm_call", e);
    }
  }
}
