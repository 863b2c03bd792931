package dev.streamll.langchain4j;

import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.streamll.Span;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which span is the parent of work LangChain4j does for an AI-service invocation, found by ids and
 * object identity rather than by thread: streaming responses, tool calls and follow-up model calls
 * run on the model client's threads, where no span is current.
 *
 * <ul>
 *   <li>invocation id → the invocation's {@code module_forward} span, from started to its end, or
 *       until LangChain4j's {@link InvocationContext} of it becomes unreachable: everything that
 *       could still report its end (a {@code TokenStream} not yet started, the response handler of
 *       a started one) holds that context, so once it is unreachable the invocation can never end
 *       by itself and is handed to the {@code whenUnreachable} action given at its start;
 *   <li>chat request → that span, from the "request issued" event to the model call that sends the
 *       very same request object (both happen back to back inside LangChain4j);
 *   <li>the ids of recently ended invocations, so that a late second report of an end (StreamLL
 *       ends an invocation when its streaming model fails; LangChain4j may report it too) is
 *       recognised instead of being mistaken for an invocation that never started.
 * </ul>
 *
 * <p>Each invocation is ended at most once: whichever of its end, a model failure and its context
 * becoming unreachable removes it from the map first ends it; the others find it gone.
 */
final class Correlation {
  private static final int RECENTLY_ENDED = 4096;
  // One thread for the whole library, idle unless an open invocation's context is collected. The
  // default factory's thread does not inherit the creating thread's context class loader, so it
  // never pins a redeployed application's.
  private static final Cleaner UNREACHABLE = Cleaner.create();

  private final Map<UUID, Invocation> modules = new ConcurrentHashMap<>();
  private final Map<ChatRequest, Span> requests =
      Collections.synchronizedMap(new IdentityHashMap<>());
  private final ArrayDeque<UUID> endedOrder = new ArrayDeque<>();
  private final Set<UUID> ended = new HashSet<>();

  /** An open invocation: its span, and whether it has sent a request to a model yet. */
  static final class Invocation {
    private final Span module;
    private final Cleaner.Cleanable watch;
    private volatile boolean modelCalled;

    private Invocation(Span module, Cleaner.Cleanable watch) {
      this.module = module;
      this.watch = watch;
    }

    Span module() {
      return module;
    }

    boolean modelCalled() {
      return modelCalled;
    }
  }

  /**
   * Runs {@code action} once, on the cleaner's thread, when {@code watched} becomes unreachable.
   * The action must not refer to {@code watched}, or it would never become unreachable.
   */
  static Cleaner.Cleanable whenUnreachable(Object watched, Runnable action) {
    return UNREACHABLE.register(watched, action);
  }

  /**
   * Remembers the invocation of {@code context} until it ends or {@code context} becomes
   * unreachable; then {@code whenUnreachable} runs once, on the cleaner's thread. It must not refer
   * to {@code context}, or the context would never become unreachable.
   */
  void started(InvocationContext context, Span module, Runnable whenUnreachable) {
    UUID invocationId = Objects.requireNonNull(context.invocationId(), "invocationId");
    Cleaner.Cleanable watch = UNREACHABLE.register(context, whenUnreachable);
    modules.put(invocationId, new Invocation(module, watch));
    // Collected before the entry exists, the action would find nothing and the entry would stay.
    Reference.reachabilityFence(context);
  }

  /** The invocation's span, or null if it is unknown or over. */
  Span module(InvocationContext context) {
    Invocation invocation = invocation(context);
    return invocation == null ? null : invocation.module;
  }

  private Invocation invocation(InvocationContext context) {
    return context == null || context.invocationId() == null
        ? null
        : modules.get(context.invocationId());
  }

  /** Ends the invocation LangChain4j reports ended: its span, or null if unknown or ended. */
  Span finish(InvocationContext context) {
    Invocation invocation = end(context.invocationId());
    // An end reported while the context is collected must win over the unreachable action.
    Reference.reachabilityFence(context);
    return invocation == null ? null : invocation.module;
  }

  /** Ends the invocation whose span is {@code module}; false if it is not an open invocation. */
  boolean finish(Span module) {
    Iterator<Map.Entry<UUID, Invocation>> it = modules.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<UUID, Invocation> entry = it.next();
      Invocation invocation = entry.getValue();
      if (invocation.module == module && modules.remove(entry.getKey(), invocation)) {
        ended(entry.getKey(), invocation);
        return true;
      }
    }
    return false;
  }

  /**
   * Ends the invocation whose context became unreachable: the invocation, or null if it had ended
   * already.
   */
  Invocation abandon(UUID invocationId) {
    return end(invocationId);
  }

  private Invocation end(UUID invocationId) {
    Invocation invocation = modules.remove(invocationId);
    if (invocation != null) {
      ended(invocationId, invocation);
    }
    return invocation;
  }

  private void ended(UUID invocationId, Invocation invocation) {
    // A Cleanable cannot be cancelled: clean() drops the registration now and runs the action,
    // which finds the invocation gone and does nothing.
    invocation.watch.clean();
    requests.values().removeIf(parent -> parent == invocation.module);
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

  /** The open invocation of {@code context} is about to send {@code request} to a model. */
  void requestIssued(InvocationContext context, ChatRequest request) {
    Invocation invocation = invocation(context);
    if (invocation != null && request != null) {
      invocation.modelCalled = true;
      requests.put(request, invocation.module);
    }
  }

  /** The parent recorded for exactly this request object, once; null if there is none. */
  Span takeParent(ChatRequest request) {
    return request == null ? null : requests.remove(request);
  }

  int openInvocations() {
    return modules.size();
  }
}
