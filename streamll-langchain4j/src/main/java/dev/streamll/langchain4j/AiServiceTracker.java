package dev.streamll.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.observability.api.event.AiServiceCompletedEvent;
import dev.langchain4j.observability.api.event.AiServiceErrorEvent;
import dev.langchain4j.observability.api.event.AiServiceRequestIssuedEvent;
import dev.langchain4j.observability.api.event.AiServiceStartedEvent;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceRequestIssuedListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import dev.streamll.Span;
import dev.streamll.SpanBuilder;
import dev.streamll.Streamll;
import dev.streamll.VersionInfo;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps AI-service events to spans: started/completed/error to a {@code module_forward} span named
 * after the interface and method, tool executions to {@code tool_call} spans under it. LangChain4j
 * reports tool executions before and after on the thread that runs the tool, passing the same
 * request object to both, which pairs them. An invocation that can no longer end (its {@code
 * TokenStream} was dropped without {@code start()}) is ended as abandoned when LangChain4j's
 * context of it is collected.
 */
final class AiServiceTracker {
  static final String MODULE_OPERATION = "module_forward";

  private static final Logger log = LoggerFactory.getLogger(AiServiceTracker.class);

  private final Streamll streamll;
  private final Capture capture;
  private final Correlation correlation;
  private final Map<ToolExecutionRequest, Span> tools =
      Collections.synchronizedMap(new IdentityHashMap<>());
  // Listeners only see the interface's name; its class is needed to hash its version.
  private final Map<String, Class<?>> services = new ConcurrentHashMap<>();

  AiServiceTracker(Streamll streamll, Capture capture, Correlation correlation) {
    this.streamll = streamll;
    this.capture = capture;
    this.correlation = correlation;
  }

  /** Makes {@code aiService}'s events carry its version when version tracking is on. */
  void register(Class<?> aiService) {
    services.put(aiService.getName(), aiService);
  }

  /** The listeners; like the tool hooks they log instead of throwing into LangChain4j. */
  List<AiServiceListener<?>> listeners() {
    AiServiceStartedListener started =
        event -> safely("module_forward start", () -> started(event));
    AiServiceRequestIssuedListener requestIssued =
        event -> safely("llm_call parent", () -> requestIssued(event));
    AiServiceCompletedListener completed =
        event -> safely("module_forward end", () -> completed(event));
    AiServiceErrorListener error = event -> safely("module_forward error", () -> error(event));
    return List.of(started, requestIssued, completed, error);
  }

  Consumer<BeforeToolExecution> beforeToolHook() {
    return before -> safely("tool_call start", () -> beforeTool(before));
  }

  Consumer<ToolExecution> afterToolHook() {
    return after -> safely("tool_call end", () -> afterTool(after));
  }

  private static void safely(String what, Runnable recording) {
    try {
      recording.run();
    } catch (RuntimeException e) {
      log.warn("StreamLL could not record a {} event", what, e);
    }
  }

  void started(AiServiceStartedEvent event) {
    InvocationContext context = event.invocationContext();
    SpanBuilder module = moduleSpan(context);
    UserMessage user = event.userMessage();
    if (user != null && user.hasSingleText()) {
      String input = capture.apply(ContentCapture.Kind.PROMPT, user.singleText());
      if (input != null) {
        module.data("input", input);
      }
    }
    UUID invocationId = context.invocationId();
    correlation.started(
        context,
        module.start(),
        () -> safely("module_forward error", () -> abandoned(invocationId)));
  }

  private SpanBuilder moduleSpan(InvocationContext context) {
    return streamll
        .span(MODULE_OPERATION)
        .module(simpleName(context.interfaceName()))
        .method(context.methodName())
        .makeCurrent(false)
        .version(version(context))
        .data("invocation_id", String.valueOf(context.invocationId()))
        .data("ai_service", String.valueOf(context.interfaceName()));
  }

  private VersionInfo version(InvocationContext context) {
    Class<?> service = services.get(String.valueOf(context.interfaceName()));
    return service == null ? VersionInfo.NONE : streamll.versionOf(service, context.methodName());
  }

  void requestIssued(AiServiceRequestIssuedEvent event) {
    correlation.requestIssued(event.invocationContext(), event.request());
  }

  void completed(AiServiceCompletedEvent event) {
    Span module = correlation.finish(event.invocationContext());
    if (module == null) {
      return;
    }
    closeOpenTools(module, null);
    event
        .result()
        .map(AiServiceTracker::resultText)
        .map(text -> capture.apply(ContentCapture.Kind.COMPLETION, text))
        .ifPresent(text -> module.set("output", text));
    module.close();
  }

  void error(AiServiceErrorEvent event) {
    InvocationContext context = event.invocationContext();
    Span module = correlation.finish(context);
    if (module == null) {
      if (correlation.recentlyEnded(context.invocationId())) {
        return;
      }
      // Failed before "started" (e.g. a bad template): still one module_forward with the error.
      module = moduleSpan(context).start();
    }
    closeOpenTools(module, event.error());
    module.fail(event.error());
    module.close();
  }

  /**
   * A streaming model call under {@code parent} failed. LangChain4j reports that as an AI-service
   * error only if the application registered an error handler and the failure came through {@code
   * onError}, so the invocation is ended here; a later report of it is then ignored.
   */
  void modelFailed(Span parent, Throwable error) {
    if (parent != null && correlation.finish(parent)) {
      closeOpenTools(parent, error);
      parent.fail(error);
      parent.close();
    }
  }

  /**
   * LangChain4j's context of an open invocation became unreachable, so nothing can report its end
   * any more: typically a {@code TokenStream} dropped without {@code start()}. Ends it as an error,
   * marked {@code abandoned}, so that consumers do not show it running forever.
   */
  void abandoned(UUID invocationId) {
    Correlation.Invocation invocation = correlation.abandon(invocationId);
    if (invocation == null) {
      return;
    }
    Span module = invocation.module();
    InvocationAbandonedException error = new InvocationAbandonedException(invocation.modelCalled());
    closeOpenTools(module, error);
    module.set("abandoned", true);
    module.fail(error);
    module.close();
  }

  void beforeTool(BeforeToolExecution before) {
    ToolExecutionRequest request = before.request();
    Span module = correlation.module(before.invocationContext());
    SpanBuilder span =
        streamll
            .span("tool_call")
            .method(request.name())
            .parent(module != null ? module : Span.current())
            .makeCurrent(false)
            .data(GenAi.OPERATION_NAME, GenAi.OPERATION_EXECUTE_TOOL)
            .data(GenAi.TOOL_NAME, String.valueOf(request.name()));
    if (request.id() != null) {
      span.data(GenAi.TOOL_CALL_ID, request.id());
    }
    String arguments = capture.apply(ContentCapture.Kind.TOOL_ARGUMENTS, request.arguments());
    if (arguments != null) {
      span.data(GenAi.TOOL_CALL_ARGUMENTS, arguments);
    }
    tools.put(request, span.start());
  }

  void afterTool(ToolExecution execution) {
    Span span = tools.remove(execution.request());
    if (span == null) {
      return;
    }
    String result = capture.apply(ContentCapture.Kind.TOOL_RESULT, execution.result());
    if (result != null) {
      span.set(GenAi.TOOL_CALL_RESULT, result);
    }
    if (execution.hasFailed()) {
      span.fail(new ToolCallFailedException(execution.request().name(), execution.result()));
    }
    span.close();
  }

  /** Tool spans still open when their invocation ends (a tool error handler threw): close them. */
  private void closeOpenTools(Span module, Throwable error) {
    Map<ToolExecutionRequest, Span> open = new IdentityHashMap<>();
    synchronized (tools) {
      Iterator<Map.Entry<ToolExecutionRequest, Span>> it = tools.entrySet().iterator();
      while (it.hasNext()) {
        Map.Entry<ToolExecutionRequest, Span> entry = it.next();
        if (Objects.equals(entry.getValue().parentId(), module.spanId())) {
          open.put(entry.getKey(), entry.getValue());
          it.remove();
        }
      }
    }
    open.forEach(
        (request, span) -> {
          span.fail(
              error != null
                  ? error
                  : new ToolCallFailedException(request.name(), "the invocation ended first"));
          span.close();
        });
  }

  int openTools() {
    return tools.size();
  }

  private static String resultText(Object result) {
    if (result instanceof ChatResponse) {
      AiMessage message = ((ChatResponse) result).aiMessage();
      return message == null ? null : message.text();
    }
    if (result instanceof Result) {
      return resultText(((Result<?>) result).content());
    }
    return result == null ? null : String.valueOf(result);
  }

  static String simpleName(String className) {
    if (className == null) {
      return null;
    }
    int cut = Math.max(className.lastIndexOf('.'), className.lastIndexOf('$'));
    return className.substring(cut + 1);
  }
}
