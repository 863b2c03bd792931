package dev.streamll.langchain4j.examples;

import dev.langchain4j.model.chat.ChatRequestOptions;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.langchain4j.ContentCapture;
import dev.streamll.langchain4j.StreamllLangChain4j;
import dev.streamll.langchain4j.examples.QuickStart.Assistant;
import java.util.regex.Pattern;

/**
 * The other code blocks of docs/langchain4j.md, so that they compile (checked by QuickStartTest).
 */
public final class DocSnippets {
  private DocSnippets() {}

  public static Assistant redactingAssistant(Streamll streamll, StreamingChatModel model) {
    Pattern email = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.]+");
    ContentCapture capture =
        (kind, text) ->
            switch (kind) {
              case PROMPT, COMPLETION, TOKEN -> email.matcher(text).replaceAll("<email>");
              case TOOL_ARGUMENTS, TOOL_RESULT, QUERY, RETRIEVED -> null;
            };
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll, capture);
    Assistant assistant =
        instrumentation.aiServices(Assistant.class).streamingChatModel(model).build();
    return assistant;
  }

  public static void withExplicitParent(
      StreamingChatModel model,
      ChatRequest request,
      Span span,
      StreamingChatResponseHandler handler) {
    model.chat(
        request,
        ChatRequestOptions.builder()
            .addListenerAttribute(StreamllLangChain4j.PARENT_SPAN, span)
            .build(),
        handler);
  }
}
