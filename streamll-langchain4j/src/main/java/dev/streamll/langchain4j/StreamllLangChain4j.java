package dev.streamll.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import dev.streamll.Streamll;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * StreamLL for LangChain4j. One call instruments an AI service:
 *
 * <pre>{@code
 * Assistant assistant = StreamllLangChain4j.instrument(streamll, Assistant.class)
 *     .streamingChatModel(model)         // llm_call spans, token events, time to first token
 *     .contentRetriever(retriever)       // retrieve spans with result count and scores
 *     .tools(new Tools())                // tool_call spans
 *     .build();                          // every call: a module_forward span around the rest
 * }</pre>
 *
 * <p>Events, per invocation of {@code assistant.chat(..)}: {@code module_forward} start ({@code
 * module_name} = interface, {@code method_name} = method) → {@code retrieve} start/end → {@code
 * llm_call} start → {@code token}… → {@code llm_call} end with usage → ({@code tool_call} start/end
 * → {@code llm_call} …) → {@code module_forward} end, or {@code error} wherever something failed.
 * They share the invocation's {@code execution_id} and name their parent span, also when the model
 * streams on its own threads: ids travel through LangChain4j's invocation context and listener
 * attributes, not thread-locals.
 *
 * <p>No prompt, completion, tool or retrieval text is recorded unless a {@link ContentCapture} says
 * so ({@link #create(Streamll, ContentCapture)}). Instances are thread-safe; use one per {@link
 * Streamll}.
 */
public final class StreamllLangChain4j {
  /**
   * Listener-attribute key for an explicit parent {@link dev.streamll.Span} of an {@code llm_call}:
   * {@code ChatRequestOptions.builder().addListenerAttribute(PARENT_SPAN, span)}.
   */
  public static final String PARENT_SPAN = "streamll.parent_span";

  private final Streamll streamll;
  private final Capture capture;
  private final Correlation correlation = new Correlation();
  private final StreamllChatModelListener chatModelListener;
  private final AiServiceTracker tracker;

  private StreamllLangChain4j(Streamll streamll, ContentCapture contentCapture) {
    this.streamll = Objects.requireNonNull(streamll, "streamll");
    this.capture = new Capture(Objects.requireNonNull(contentCapture, "contentCapture"));
    this.chatModelListener = new StreamllChatModelListener(streamll, capture);
    this.tracker = new AiServiceTracker(streamll, capture, correlation);
  }

  /** Instrumentation that records no message text. */
  public static StreamllLangChain4j create(Streamll streamll) {
    return new StreamllLangChain4j(streamll, ContentCapture.none());
  }

  /** Instrumentation that records the text {@code contentCapture} returns. */
  public static StreamllLangChain4j create(Streamll streamll, ContentCapture contentCapture) {
    return new StreamllLangChain4j(streamll, contentCapture);
  }

  /** An instrumented {@code AiServices.builder(aiService)}, recording no message text. */
  public static <T> AiServices<T> instrument(Streamll streamll, Class<T> aiService) {
    return create(streamll).aiServices(aiService);
  }

  /**
   * A builder like {@code AiServices.builder(aiService)} whose chat models, streaming chat models
   * and content retriever are instrumented as they are set, with module and tool events wired in.
   * Retrievers inside a custom {@code retrievalAugmentor} are not seen: wrap them with {@link
   * #contentRetriever}.
   */
  public <T> AiServices<T> aiServices(Class<T> aiService) {
    return new InstrumentedAiServices<>(Objects.requireNonNull(aiService, "aiService"), this);
  }

  /**
   * Adds module and tool events to a builder made elsewhere (a framework's). Set models wrapped
   * with {@link #streamingChatModel}/{@link #chatModel} on it; a later {@code beforeToolExecution}
   * or {@code afterToolExecution} call on the builder replaces the tool hooks, so call this last.
   */
  public <T> AiServices<T> instrument(AiServices<T> builder) {
    return builder
        .registerListeners(aiServiceListeners())
        .beforeToolExecution(beforeToolExecution())
        .afterToolExecution(afterToolExecution());
  }

  /** {@code model}, recording each call as an {@code llm_call} span and each partial response. */
  public StreamingChatModel streamingChatModel(StreamingChatModel model) {
    if (model == null || model instanceof ObservedStreamingChatModel) {
      return model;
    }
    return new ObservedStreamingChatModel(model, chatModelListener, correlation, tracker, capture);
  }

  /** {@code model}, recording each call as an {@code llm_call} span. */
  public ChatModel chatModel(ChatModel model) {
    if (model == null || model instanceof ObservedChatModel) {
      return model;
    }
    return new ObservedChatModel(model, chatModelListener, correlation);
  }

  /** {@code retriever}, recording each retrieval as a {@code retrieve} span. */
  public ContentRetriever contentRetriever(ContentRetriever retriever) {
    if (retriever == null) {
      return null;
    }
    return retriever.addListener(
        new RetrievalListener(
            streamll, capture, correlation, retriever.getClass().getSimpleName()));
  }

  /**
   * A listener for a model you build yourself ({@code .listeners(List.of(..))}): {@code llm_call}
   * spans without tokens (LangChain4j does not show listeners partial responses).
   */
  public ChatModelListener chatModelListener() {
    return chatModelListener;
  }

  void register(Class<?> aiService) {
    tracker.register(aiService);
  }

  /** The AI-service listeners behind {@code module_forward} spans. */
  public List<AiServiceListener<?>> aiServiceListeners() {
    return tracker.listeners();
  }

  /** Starts a {@code tool_call} span; for {@code AiServices.beforeToolExecution}. */
  public Consumer<BeforeToolExecution> beforeToolExecution() {
    return tracker.beforeToolHook();
  }

  /** Ends the {@code tool_call} span; for {@code AiServices.afterToolExecution}. */
  public Consumer<ToolExecution> afterToolExecution() {
    return tracker.afterToolHook();
  }

  /** Invocations started and not yet completed (for tests and health checks). */
  int openInvocations() {
    return correlation.openInvocations();
  }

  int openToolCalls() {
    return tracker.openTools();
  }
}
