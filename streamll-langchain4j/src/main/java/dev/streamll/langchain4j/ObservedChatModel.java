package dev.streamll.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;

/** A {@link ChatModel} that records each call as an {@code llm_call} span, then delegates. */
final class ObservedChatModel implements ChatModel {
  private final ChatModel delegate;
  private final StreamllChatModelListener listener;
  private final Correlation correlation;

  ObservedChatModel(
      ChatModel delegate, StreamllChatModelListener listener, Correlation correlation) {
    this.delegate = delegate;
    this.listener = listener;
    this.correlation = correlation;
  }

  @Override
  public ChatResponse chat(ChatRequest request, ChatRequestOptions options) {
    ObservedCall call =
        ObservedCall.start(
            listener,
            request,
            options,
            delegate.defaultRequestParameters(),
            delegate.provider(),
            correlation.takeParent(request),
            false);
    ChatResponse response;
    try {
      response = delegate.chat(request, options);
    } catch (RuntimeException | Error e) {
      call.failed(e);
      throw e;
    }
    call.completed(response);
    return response;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return delegate.doChat(request);
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
}
