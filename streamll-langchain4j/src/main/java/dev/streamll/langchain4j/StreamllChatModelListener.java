package dev.streamll.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.streamll.Span;
import dev.streamll.SpanBuilder;
import dev.streamll.Streamll;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns chat-model calls into {@code llm_call} spans: {@code start} with the request settings,
 * {@code end} with the response model, finish reasons and token usage, or {@code error}. Keys are
 * OpenTelemetry GenAI names ({@link GenAi}); message text only as far as {@link ContentCapture}
 * allows.
 *
 * <p>Register it on any model builder ({@code OpenAiChatModel.builder().listeners(List.of(
 * listener))}) or let {@link StreamllLangChain4j#chatModel}/{@link
 * StreamllLangChain4j#streamingChatModel} call it (not both, or each call is recorded twice). The
 * parent span is the {@link Span} under the listener attribute {@link
 * StreamllLangChain4j#PARENT_SPAN}, else the span current on the calling thread. The call's span is
 * kept in the attributes map, so a response completed on another thread closes the right span.
 */
public final class StreamllChatModelListener implements ChatModelListener {
  /** Set in the attributes by the model wrappers: whether the call streams. */
  static final Object STREAMING = new Object();

  private final Streamll streamll;
  private final Capture capture;

  StreamllChatModelListener(Streamll streamll, Capture capture) {
    this.streamll = streamll;
    this.capture = capture;
  }

  @Override
  public void onRequest(ChatModelRequestContext context) {
    Map<Object, Object> attributes = context.attributes();
    Object parent = attributes.get(StreamllLangChain4j.PARENT_SPAN);
    ChatRequest request = context.chatRequest();
    SpanBuilder span =
        streamll
            .span("llm_call")
            .method("chat")
            .parent(parent instanceof Span ? (Span) parent : Span.current())
            .makeCurrent(false)
            .data(GenAi.OPERATION_NAME, GenAi.OPERATION_CHAT)
            .data(GenAi.PROVIDER_NAME, GenAi.providerName(context.modelProvider()));
    putIfPresent(span, GenAi.REQUEST_MODEL, request.modelName());
    putIfPresent(span, GenAi.REQUEST_TEMPERATURE, request.temperature());
    putIfPresent(span, GenAi.REQUEST_MAX_TOKENS, request.maxOutputTokens());
    putIfPresent(span, GenAi.REQUEST_TOP_P, request.topP());
    putIfPresent(span, GenAi.REQUEST_TOP_K, request.topK());
    putIfPresent(span, GenAi.REQUEST_FREQUENCY_PENALTY, request.frequencyPenalty());
    putIfPresent(span, GenAi.REQUEST_PRESENCE_PENALTY, request.presencePenalty());
    List<String> stops = request.stopSequences();
    if (stops != null && !stops.isEmpty()) {
      span.data(GenAi.REQUEST_STOP_SEQUENCES, List.copyOf(stops));
    }
    // Known only when a wrapped model calls this listener; a model's own listeners cannot tell.
    Object streaming = attributes.get(STREAMING);
    if (streaming != null) {
      span.data("streaming", streaming);
    }
    List<Map<String, Object>> input = inputMessages(request.messages());
    if (!input.isEmpty()) {
      span.data(GenAi.INPUT_MESSAGES, input);
    }
    attributes.put(LlmCall.ATTRIBUTE, new LlmCall(span.start()));
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    LlmCall call = LlmCall.from(context.attributes());
    if (call == null) {
      return;
    }
    Span span = call.span();
    ChatResponse response = context.chatResponse();
    if (response != null) {
      if (response.id() != null) {
        span.set(GenAi.RESPONSE_ID, response.id());
      }
      if (response.modelName() != null) {
        span.set(GenAi.RESPONSE_MODEL, response.modelName());
      }
      if (response.finishReason() != null) {
        span.set(
            GenAi.RESPONSE_FINISH_REASONS, List.of(GenAi.finishReason(response.finishReason())));
      }
      TokenUsage usage = response.tokenUsage();
      if (usage != null) {
        if (usage.inputTokenCount() != null) {
          span.set(GenAi.USAGE_INPUT_TOKENS, usage.inputTokenCount());
        }
        if (usage.outputTokenCount() != null) {
          span.set(GenAi.USAGE_OUTPUT_TOKENS, usage.outputTokenCount());
        }
      }
      Map<String, Object> output = outputMessage(response);
      if (output != null) {
        span.set(GenAi.OUTPUT_MESSAGES, List.of(output));
      }
    }
    finish(call);
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    LlmCall call = LlmCall.from(context.attributes());
    if (call == null) {
      return;
    }
    call.span().fail(context.error());
    finish(call);
  }

  private static void finish(LlmCall call) {
    Span span = call.span();
    double ttft = call.secondsToFirstToken();
    if (ttft >= 0) {
      span.set("time_to_first_token_seconds", ttft);
      span.set("token_count", span.tokenCount());
    }
    span.close();
  }

  private static void putIfPresent(SpanBuilder span, String key, Object value) {
    if (value != null) {
      span.data(key, value);
    }
  }

  private List<Map<String, Object>> inputMessages(List<ChatMessage> messages) {
    List<Map<String, Object>> input = new ArrayList<>();
    if (messages == null) {
      return input;
    }
    for (ChatMessage message : messages) {
      String role;
      String text;
      if (message instanceof SystemMessage) {
        role = "system";
        text = ((SystemMessage) message).text();
      } else if (message instanceof UserMessage) {
        role = "user";
        UserMessage user = (UserMessage) message;
        text = user.hasSingleText() ? user.singleText() : null;
      } else if (message instanceof AiMessage) {
        role = "assistant";
        text = ((AiMessage) message).text();
      } else if (message instanceof ToolExecutionResultMessage) {
        role = "tool";
        text = ((ToolExecutionResultMessage) message).text();
      } else {
        continue;
      }
      String captured = capture.apply(ContentCapture.Kind.PROMPT, text);
      if (captured != null) {
        input.add(message(role, captured));
      }
    }
    return input;
  }

  private Map<String, Object> outputMessage(ChatResponse response) {
    AiMessage ai = response.aiMessage();
    if (ai == null) {
      return null;
    }
    List<Map<String, Object>> parts = new ArrayList<>();
    String text = capture.apply(ContentCapture.Kind.COMPLETION, ai.text());
    if (text != null) {
      parts.add(Map.of("type", "text", "content", text));
    }
    if (ai.hasToolExecutionRequests()) {
      for (ToolExecutionRequest tool : ai.toolExecutionRequests()) {
        String arguments = capture.apply(ContentCapture.Kind.TOOL_ARGUMENTS, tool.arguments());
        if (arguments != null) {
          Map<String, Object> part = new LinkedHashMap<>();
          part.put("type", "tool_call");
          part.put("name", String.valueOf(tool.name()));
          if (tool.id() != null) {
            part.put("id", tool.id());
          }
          part.put("arguments", arguments);
          parts.add(part);
        }
      }
    }
    if (parts.isEmpty()) {
      return null;
    }
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("role", "assistant");
    message.put("parts", parts);
    if (response.finishReason() != null) {
      message.put("finish_reason", GenAi.finishReason(response.finishReason()));
    }
    return message;
  }

  private static Map<String, Object> message(String role, String text) {
    return Map.of("role", role, "parts", List.of(Map.of("type", "text", "content", text)));
  }
}
