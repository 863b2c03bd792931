package dev.streamll.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.streamll.Span;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which span is the parent of work LangChain4j does for an AI-service invocation, found by ids and
 * object identity rather than by thread: streaming responses, tool calls and follow-up model calls
 * run on the model client's threads, where no span is current.
 *
 * <ul>
 *   <li>invocation id → the invocation's {@code module_forward} span, from started to completed;
 *   <li>chat request → that span, from the "request issued" event to the model call that sends the
 *       very same request object (both happen back to back inside LangChain4j).
 * </ul>
 */
final class Correlation {
  private final Map<UUID, Span> modules = new ConcurrentHashMap<>();
  private final Map<ChatRequest, Span> requests =
      Collections.synchronizedMap(new IdentityHashMap<>());

  void started(UUID invocationId, Span module) {
    modules.put(invocationId, module);
  }

  /** The invocation's span, or null if it is unknown or over. */
  Span module(InvocationContext context) {
    return context == null || context.invocationId() == null
        ? null
        : modules.get(context.invocationId());
  }

  /** Forgets the invocation and any request of it that no model call picked up. */
  Span finished(UUID invocationId) {
    Span module = modules.remove(invocationId);
    if (module != null) {
      requests.values().removeIf(parent -> parent == module);
    }
    return module;
  }

  void requestIssued(ChatRequest request, Span module) {
    requests.put(request, module);
  }

  /** The parent recorded for exactly this request object, once; null if there is none. */
  Span takeParent(ChatRequest request) {
    return request == null ? null : requests.remove(request);
  }

  int openInvocations() {
    return modules.size();
  }
}
