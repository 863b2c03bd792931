package dev.streamll.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.streamll.Span;
import java.lang.ref.Reference;
import java.util.List;
import java.util.Set;

/**
 * A {@link StreamingChatModel} that records each call as an {@code llm_call} span and each partial
 * response as a {@code token} event, then delegates. LangChain4j's own listeners never see partial
 * responses, which is why this is a decorator and not only a listener. The span travels with the
 * handler, so it is closed correctly on whatever thread the model completes; a model that drops the
 * handler without completing or failing has its call ended as abandoned once the handler is
 * collected.
 */
final class ObservedStreamingChatModel implements StreamingChatModel {
  private final StreamingChatModel delegate;
  private final StreamllChatModelListener listener;
  private final Correlation correlation;
  private final AiServiceTracker tracker;
  private final Capture capture;

  ObservedStreamingChatModel(
      StreamingChatModel delegate,
      StreamllChatModelListener listener,
      Correlation correlation,
      AiServiceTracker tracker,
      Capture capture) {
    this.delegate = delegate;
    this.listener = listener;
    this.correlation = correlation;
    this.tracker = tracker;
    this.capture = capture;
  }

  @Override
  public void chat(
      ChatRequest request, ChatRequestOptions options, StreamingChatResponseHandler handler) {
    Span module = correlation.takeParent(request);
    ObservedCall call =
        ObservedCall.start(
            listener,
            request,
            options,
            delegate.defaultRequestParameters(),
            delegate.provider(),
            module,
            true);
    RecordingHandler recording = new RecordingHandler(handler, call, module);
    // A model that drops the handler without answering leaves nothing that could end the call.
    call.watchedBy(
        Correlation.whenUnreachable(
            recording, () -> call.abandoned(new InvocationAbandonedException(true))));
    try {
      delegate.chat(request, options, recording);
    } catch (RuntimeException | Error e) {
      call.failed(e);
      tracker.modelFailed(module, e);
      throw e;
    } finally {
      // LangChain4j's handler holds the invocation's context, and ours the call: until a failure
      // is recorded, neither may look unreachable, or it would be reported abandoned instead.
      Reference.reachabilityFence(handler);
      Reference.reachabilityFence(recording);
    }
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    delegate.doChat(request, handler);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  @Override
  public String toString() {
    return "Observed[" + delegate + "]";
  }

  /** Forwards every callback in the form the model used, recording tokens and the outcome. */
  private final class RecordingHandler implements StreamingChatResponseHandler {
    private final StreamingChatResponseHandler handler;
    private final ObservedCall call;
    private final Span module;

    RecordingHandler(StreamingChatResponseHandler handler, ObservedCall call, Span module) {
      this.handler = handler;
      this.call = call;
      this.module = module;
    }

    private void token(String text) {
      String captured = capture.apply(ContentCapture.Kind.TOKEN, text == null ? "" : text);
      call.token(captured == null ? "" : captured);
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      token(partialResponse);
      handler.onPartialResponse(partialResponse);
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
      token(partialResponse == null ? null : partialResponse.text());
      handler.onPartialResponse(partialResponse, context);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
      handler.onPartialThinking(partialThinking);
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
      handler.onPartialThinking(partialThinking, context);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      handler.onPartialToolCall(partialToolCall);
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
      handler.onPartialToolCall(partialToolCall, context);
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      handler.onCompleteToolCall(completeToolCall);
    }

    @Override
    public void onUnmappedRawEvent(Object rawEvent) {
      handler.onUnmappedRawEvent(rawEvent);
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      call.completed(completeResponse);
      handler.onCompleteResponse(completeResponse);
      // Reachable until the end is recorded, or the cleaner could report the call abandoned.
      Reference.reachabilityFence(this);
    }

    @Override
    public void onError(Throwable error) {
      call.failed(error);
      tracker.modelFailed(module, error);
      handler.onError(error);
      Reference.reachabilityFence(this);
    }
  }
}
