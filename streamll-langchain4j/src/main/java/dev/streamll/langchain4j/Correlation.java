package dev.streamll.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.streamll.Span;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which span is the parent of work LangChain4j does for an AI-service invocation, found by ids and
 * object identity rather than by thread: streaming responses, tool calls and follow-up model calls
 * run on the model client's threads, where no span is current.
 *
 * <ul>
 *   <li>invocation id → the invocation's {@code module_forward} span, from started to its end;
 *   <li>chat request → that span, from the "request issued" event to the model call that sends the
 *       very same request object (both happen back to back inside LangChain4j);
 *   <li>the ids of recently ended invocations, so that a late second report of an end (StreamLL
 *       ends an invocation when its streaming model fails; LangChain4j may report it too) is
 *       recognised instead of being mistaken for an invocation that never started.
 * </ul>
 */
final class Correlation {
  private static final int RECENTLY_ENDED = 4096;

  private final Map<UUID, Span> modules = new ConcurrentHashMap<>();
  private final Map<ChatRequest, Span> requests =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private final ArrayDeque<UUID> endedOrder = new ArrayDeque<>();
  private final Set<UUID> ended = new HashSet<>();

  void started(UUID invocationId, Span module) {
    modules.put(invocationId, module);
  }

  /** The invocation's span, or null if it is unknown or over. */
  Span module(InvocationContext context) {
    return context == null || context.invocationId() == null
        ? null
        : modules.get(context.invocationId());
  }

  /** Ends the invocation: its span, or null if it is unknown or already ended. */
  Span finish(UUID invocationId) {
    Span module = modules.remove(invocationId);
    if (module != null) {
      forget(invocationId, module);
    }
    return module;
  }

  /** Ends the invocation whose span is {@code module}; false if it is not an open invocation. */
  boolean finish(Span module) {
    Iterator<Map.Entry<UUID, Span>> it = modules.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<UUID, Span> entry = it.next();
      if (entry.getValue() == module && modules.remove(entry.getKey(), module)) {
        forget(entry.getKey(), module);
        return true;
      }
    }
    return false;
  }

  private void forget(UUID invocationId, Span module) {
    requests.values().removeIf(parent -> parent == module);
    synchronized (ended) {
      if (ended.add(invocationId)) {
        endedOrder.addLast(invocationId);
        if (endedOrder.size() > RECENTLY_ENDED) {
          ended.remove(endedOrder.removeFirst());
        }
      }
    }
  }

  boolean recentlyEnded(UUID invocationId) {
    synchronized (ended) {
      return ended.contains(invocationId);
    }
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
