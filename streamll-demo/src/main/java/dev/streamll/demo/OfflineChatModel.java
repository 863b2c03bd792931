package dev.streamll.demo;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A deterministic, local stand-in for an LLM, so the demo runs offline. It does not generate: it
 * extracts. Asked which command does something, it calls the first tool it is offered with the
 * question as argument; given a tool result, it reports it; otherwise it answers with the first two
 * sentences of the best retrieved passage. It streams its answer word by word on its own thread, as
 * network clients do, and reports whitespace-separated words as token usage.
 */
public final class OfflineChatModel implements StreamingChatModel {
  public static final String MODEL_NAME = "streamll-offline-extractive-1";

  private static final String CONTEXT_MARKER = "Answer using the following information:";
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final Duration perWord;

  /**
   * @param perWord the pause between streamed words, so a person can watch them arrive
   */
  public OfflineChatModel(Duration perWord) {
    this.perWord = perWord;
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return ChatRequestParameters.builder().modelName(MODEL_NAME).temperature(0.0).build();
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.get(messages.size() - 1);
    int inputWords = 0;
    for (ChatMessage message : messages) {
      inputWords += words(text(message)).size();
    }
    int promptWords = inputWords;
    Thread streamer =
        new Thread(
            () -> respond(request, last, promptWords, handler),
            "offline-model-" + THREADS.incrementAndGet());
    streamer.setDaemon(true);
    streamer.start();
  }

  private void respond(
      ChatRequest request, ChatMessage last, int inputWords, StreamingChatResponseHandler handler) {
    try {
      List<ToolSpecification> tools = request.toolSpecifications();
      if (last instanceof UserMessage && asksForCommand(question(text(last))) && !tools.isEmpty()) {
        handler.onCompleteResponse(toolCall(tools.get(0), question(text(last)), inputWords));
        return;
      }
      String answer =
          last instanceof ToolExecutionResultMessage
              ? fromTool((ToolExecutionResultMessage) last)
              : fromContext(text(last));
      List<String> words = words(answer);
      for (int i = 0; i < words.size(); i++) {
        pause();
        handler.onPartialResponse(i == 0 ? words.get(i) : " " + words.get(i));
      }
      handler.onCompleteResponse(
          ChatResponse.builder()
              .aiMessage(AiMessage.from(answer))
              .modelName(MODEL_NAME)
              .finishReason(FinishReason.STOP)
              .tokenUsage(new TokenUsage(inputWords, words.size()))
              .build());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      handler.onError(e);
    } catch (RuntimeException e) {
      handler.onError(e);
    }
  }

  private void pause() throws InterruptedException {
    if (!perWord.isZero()) {
      Thread.sleep(perWord.toMillis());
    }
  }

  private static boolean asksForCommand(String question) {
    return question.toLowerCase(Locale.ROOT).contains("command");
  }

  private static ChatResponse toolCall(ToolSpecification tool, String question, int inputWords) {
    String parameter =
        tool.parameters() == null || tool.parameters().properties().isEmpty()
            ? "arg0"
            : tool.parameters().properties().keySet().iterator().next();
    ToolExecutionRequest call =
        ToolExecutionRequest.builder()
            .id("call-" + Integer.toHexString(question.hashCode()))
            .name(tool.name())
            .arguments("{\"" + parameter + "\": \"" + question.replace("\"", "'") + "\"}")
            .build();
    return ChatResponse.builder()
        .aiMessage(AiMessage.from(call))
        .modelName(MODEL_NAME)
        .finishReason(FinishReason.TOOL_EXECUTION)
        .tokenUsage(new TokenUsage(inputWords, 12))
        .build();
  }

  private static String fromTool(ToolExecutionResultMessage result) {
    if (Boolean.TRUE.equals(result.isError())) {
      return "I could not find that: the " + result.toolName() + " tool said " + result.text();
    }
    return "Run " + result.text() + " for that.";
  }

  private static String fromContext(String prompt) {
    int marker = prompt.indexOf(CONTEXT_MARKER);
    if (marker < 0) {
      return "I have no documents about that, so I cannot answer it.";
    }
    String passage = prompt.substring(marker + CONTEXT_MARKER.length()).trim();
    int end = passage.indexOf("\n\n");
    passage = end < 0 ? passage : passage.substring(0, end);
    List<String> sentences = new ArrayList<>();
    for (String sentence : passage.split("(?<=\\.)\\s+")) {
      if (!sentence.isBlank() && sentences.size() < 2) {
        sentences.add(sentence.trim());
      }
    }
    return String.join(" ", sentences);
  }

  private static String question(String prompt) {
    int marker = prompt.indexOf(CONTEXT_MARKER);
    return (marker < 0 ? prompt : prompt.substring(0, marker)).trim();
  }

  private static String text(ChatMessage message) {
    if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      return user.hasSingleText() ? user.singleText() : "";
    }
    if (message instanceof SystemMessage) {
      return ((SystemMessage) message).text();
    }
    if (message instanceof AiMessage) {
      String text = ((AiMessage) message).text();
      return text == null ? "" : text;
    }
    if (message instanceof ToolExecutionResultMessage) {
      return ((ToolExecutionResultMessage) message).text();
    }
    return "";
  }

  private static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.trim().split("\\s+")) {
      if (!word.isEmpty()) {
        words.add(word);
      }
    }
    return words;
  }
}
