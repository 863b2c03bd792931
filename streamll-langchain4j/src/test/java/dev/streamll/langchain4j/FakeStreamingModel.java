package dev.streamll.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * A streaming model that answers on its own thread, as network clients do: it asks for {@code
 * toolToCall} once when tools are offered, otherwise streams {@code words} one partial at a time,
 * or fails with {@code failure}.
 */
final class FakeStreamingModel implements StreamingChatModel {
  private final ExecutorService callbacks;
  private final List<String> words;
  private final String toolToCall;
  private final RuntimeException failure;
  final Set<String> callbackThreads = ConcurrentHashMap.newKeySet();

  FakeStreamingModel(
      ExecutorService callbacks, List<String> words, String toolToCall, RuntimeException failure) {
    this.callbacks = callbacks;
    this.words = words;
    this.toolToCall = toolToCall;
    this.failure = failure;
  }

  @Override
  public ModelProvider provider() {
    return ModelProvider.OPEN_AI;
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.get(messages.size() - 1);
    callbacks.execute(
        () -> {
          callbackThreads.add(Thread.currentThread().getName());
          if (failure != null) {
            handler.onError(failure);
            return;
          }
          if (toolToCall != null && !(last instanceof ToolExecutionResultMessage)) {
            ToolExecutionRequest call =
                ToolExecutionRequest.builder()
                    .id("call-1")
                    .name(toolToCall)
                    .arguments("{\"arg0\":\"journal\"}")
                    .build();
            handler.onCompleteResponse(
                ChatResponse.builder()
                    .aiMessage(AiMessage.from(call))
                    .modelName("fake-model-2025")
                    .finishReason(FinishReason.TOOL_EXECUTION)
                    .tokenUsage(new TokenUsage(5, 3))
                    .build());
            return;
          }
          StringBuilder text = new StringBuilder();
          for (String word : words) {
            text.append(word);
            handler.onPartialResponse(word);
          }
          handler.onCompleteResponse(
              ChatResponse.builder()
                  .aiMessage(AiMessage.from(text.toString()))
                  .id("resp-1")
                  .modelName("fake-model-2025")
                  .finishReason(FinishReason.STOP)
                  .tokenUsage(new TokenUsage(12, words.size()))
                  .build());
        });
  }
}
