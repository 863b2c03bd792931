package dev.streamll.langchain4j;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.AiServiceContext;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.util.function.Consumer;

/**
 * An {@link AiServices} builder that instruments what it is given: chat models and content
 * retrievers are wrapped as they are set, the AI-service listeners are registered up front, and the
 * tool hooks run StreamLL's before and after the application's own. {@link #build()} hands the
 * shared context to LangChain4j's own builder (or the framework's, through its factory SPI).
 */
final class InstrumentedAiServices<T> extends AiServices<T> {
  private final StreamllLangChain4j instrumentation;
  private Consumer<BeforeToolExecution> applicationBefore = before -> {};
  private Consumer<ToolExecution> applicationAfter = after -> {};

  InstrumentedAiServices(Class<T> aiService, StreamllLangChain4j instrumentation) {
    super(AiServiceContext.create(aiService));
    this.instrumentation = instrumentation;
    instrumentation.register(aiService);
    super.registerListeners(instrumentation.aiServiceListeners());
    super.beforeToolExecution(
        before -> {
          instrumentation.beforeToolExecution().accept(before);
          applicationBefore.accept(before);
        });
    super.afterToolExecution(
        after -> {
          try {
            applicationAfter.accept(after);
          } finally {
            instrumentation.afterToolExecution().accept(after);
          }
        });
  }

  @Override
  public AiServices<T> chatModel(ChatModel chatModel) {
    return super.chatModel(instrumentation.chatModel(chatModel));
  }

  @Override
  public AiServices<T> streamingChatModel(StreamingChatModel streamingChatModel) {
    return super.streamingChatModel(instrumentation.streamingChatModel(streamingChatModel));
  }

  @Override
  public AiServices<T> contentRetriever(ContentRetriever contentRetriever) {
    return super.contentRetriever(instrumentation.contentRetriever(contentRetriever));
  }

  @Override
  public AiServices<T> beforeToolExecution(Consumer<BeforeToolExecution> beforeToolExecution) {
    this.applicationBefore = beforeToolExecution == null ? before -> {} : beforeToolExecution;
    return this;
  }

  @Override
  public AiServices<T> afterToolExecution(Consumer<ToolExecution> afterToolExecution) {
    this.applicationAfter = afterToolExecution == null ? after -> {} : afterToolExecution;
    return this;
  }

  @Override
  public T build() {
    return AiServices.<T>builder(context).build();
  }
}
