package dev.streamll.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.TokenStream;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.event.StreamllEvent;
import dev.streamll.testing.CollectingSink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StreamllLangChain4jTest {
  private static final List<String> WORDS = RecordingStreamll.WORDS;

  interface Assistant {
    TokenStream chat(String question);
  }

  interface Helper {
    String ask(String question);
  }

  interface Templated {
    @dev.langchain4j.service.UserMessage("Tell me about {{topic}}")
    String about(@dev.langchain4j.service.V("subject") String subject);
  }

  static final class Tools {
    @Tool("Looks up a topic")
    String lookup(String topic) {
      return "found " + topic;
    }

    @Tool("Always fails")
    String broken(String topic) {
      throw new IllegalStateException("disk on fire");
    }
  }

  static final class FakeRetriever implements ContentRetriever {
    @Override
    public List<Content> retrieve(Query query) {
      return List.of(
          Content.from(
              TextSegment.from("The journal keeps events until sinks confirm."),
              Map.of(ContentMetadata.SCORE, 0.91)),
          Content.from(
              TextSegment.from("Sinks: Redis, RabbitMQ, Kafka."),
              Map.of(ContentMetadata.SCORE, 0.42)));
    }
  }

  private RecordingStreamll recording;
  private CollectingSink sink;
  private ExecutorService modelThread;
  private Streamll streamll;

  @BeforeEach
  void setUp() {
    recording = new RecordingStreamll();
    sink = recording.sink;
    modelThread = recording.modelThread;
    streamll = recording.streamll;
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    recording.close();
  }

  private List<StreamllEvent> events() {
    return recording.events();
  }

  private static List<String> shape(List<StreamllEvent> events) {
    return RecordingStreamll.shape(events);
  }

  private static StreamllEvent find(List<StreamllEvent> events, String operation, String type) {
    return events.stream()
        .filter(e -> e.operation().equals(operation) && e.eventType().equals(type))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + operation + ":" + type + " in " + events));
  }

  private static ChatResponse stream(TokenStream tokens) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    tokens
        .onPartialResponse(token -> {})
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    return done.get(10, TimeUnit.SECONDS);
  }

  @Test
  void streamingCallEmitsModuleRetrieveLlmCallTokensAndUsageInOrderAcrossTheThreadSwitch()
      throws Exception {
    StreamllLangChain4j instrumentation =
        StreamllLangChain4j.create(streamll, ContentCapture.all());
    FakeStreamingModel model = new FakeStreamingModel(modelThread, WORDS, null, null);
    Assistant assistant =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(model)
            .contentRetriever(new FakeRetriever())
            .build();

    ChatResponse response = stream(assistant.chat("Where do events wait?"));

    assertThat(response.aiMessage().text()).isEqualTo("The journal keeps events.");
    assertThat(model.callbackThreads).containsExactly("model-callbacks");
    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly(
            "module_forward:start",
            "retrieve:start",
            "retrieve:end",
            "llm_call:start",
            "llm_call:token",
            "llm_call:token",
            "llm_call:token",
            "llm_call:token",
            "llm_call:end",
            "module_forward:end");

    StreamllEvent moduleStart = find(events, "module_forward", "start");
    assertThat(moduleStart.moduleName()).isEqualTo("Assistant");
    assertThat(moduleStart.methodName()).isEqualTo("chat");
    assertThat(moduleStart.parentId()).isNull();
    assertThat(moduleStart.data()).containsEntry("input", "Where do events wait?");
    assertThat(events)
        .allSatisfy(e -> assertThat(e.executionId()).isEqualTo(moduleStart.executionId()));
    assertThat(events.stream().filter(e -> !e.operation().equals("module_forward")))
        .allSatisfy(e -> assertThat(e.parentId()).isEqualTo(moduleStart.spanId()));

    StreamllEvent retrieved = find(events, "retrieve", "end");
    assertThat(retrieved.methodName()).isEqualTo("FakeRetriever");
    assertThat(retrieved.data()).containsEntry("result_count", 2);
    assertThat(retrieved.data()).containsEntry("scores", List.of(0.91, 0.42));

    StreamllEvent llmStart = find(events, "llm_call", "start");
    assertThat(llmStart.data())
        .containsEntry("gen_ai.operation.name", "chat")
        .containsEntry("gen_ai.provider.name", "openai")
        .containsEntry("streaming", true);
    List<StreamllEvent> tokens =
        events.stream().filter(e -> e.eventType().equals("token")).collect(Collectors.toList());
    assertThat(tokens).extracting(e -> e.data().get("token")).containsExactlyElementsOf(WORDS);
    assertThat(tokens).extracting(e -> e.data().get("token_index")).containsExactly(0, 1, 2, 3);
    assertThat(tokens).allSatisfy(t -> assertThat(t.spanId()).isEqualTo(llmStart.spanId()));

    StreamllEvent llmEnd = find(events, "llm_call", "end");
    assertThat(llmEnd.spanId()).isEqualTo(llmStart.spanId());
    assertThat(llmEnd.data())
        .containsEntry("gen_ai.usage.input_tokens", 12)
        .containsEntry("gen_ai.usage.output_tokens", 4)
        .containsEntry("gen_ai.response.model", "fake-model-2025")
        .containsEntry("gen_ai.response.id", "resp-1")
        .containsEntry("gen_ai.response.finish_reasons", List.of("stop"))
        .containsEntry("token_count", 4)
        .containsKeys("time_to_first_token_seconds", "duration_seconds");
    assertThat((Double) llmEnd.data().get("time_to_first_token_seconds"))
        .isBetween(0.0, (Double) llmEnd.data().get("duration_seconds"));
    assertThat(find(events, "module_forward", "end").data())
        .containsEntry("output", "The journal keeps events.");
    assertThat(instrumentation.openInvocations()).isZero();
  }

  @Test
  void toolCallsAreSpansUnderTheModuleBetweenTheTwoModelCalls() throws Exception {
    StreamllLangChain4j instrumentation =
        StreamllLangChain4j.create(streamll, ContentCapture.all());
    Assistant assistant =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(new FakeStreamingModel(modelThread, WORDS, "lookup", null))
            .tools(new Tools())
            .build();

    stream(assistant.chat("Look it up"));

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly(
            "module_forward:start",
            "llm_call:start",
            "llm_call:end",
            "tool_call:start",
            "tool_call:end",
            "llm_call:start",
            "llm_call:token",
            "llm_call:token",
            "llm_call:token",
            "llm_call:token",
            "llm_call:end",
            "module_forward:end");
    StreamllEvent module = find(events, "module_forward", "start");
    assertThat(events.stream().filter(e -> !e.operation().equals("module_forward")))
        .allSatisfy(
            e -> {
              assertThat(e.parentId()).isEqualTo(module.spanId());
              assertThat(e.executionId()).isEqualTo(module.executionId());
            });
    assertThat(find(events, "llm_call", "end").data())
        .containsEntry("gen_ai.response.finish_reasons", List.of("tool_calls"));
    StreamllEvent toolStart = find(events, "tool_call", "start");
    assertThat(toolStart.methodName()).isEqualTo("lookup");
    assertThat(toolStart.data())
        .containsEntry("gen_ai.tool.name", "lookup")
        .containsEntry("gen_ai.tool.call.id", "call-1")
        .containsEntry("gen_ai.tool.call.arguments", "{\"arg0\":\"journal\"}");
    assertThat(find(events, "tool_call", "end").data())
        .containsEntry("gen_ai.tool.call.result", "found journal");
    assertThat(instrumentation.openToolCalls()).isZero();
  }

  @Test
  void aFailingToolIsAToolCallErrorAndTheInvocationCarriesOn() throws Exception {
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll);
    Assistant assistant =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(new FakeStreamingModel(modelThread, WORDS, "broken", null))
            .tools(new Tools())
            .build();

    stream(assistant.chat("Break it"));

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsSubsequence("tool_call:start", "tool_call:error", "llm_call:start", "llm_call:end")
        .endsWith("module_forward:end")
        .doesNotContain("module_forward:error");
    StreamllEvent toolError = find(events, "tool_call", "error");
    assertThat(toolError.data().get("error_type"))
        .isEqualTo(ToolCallFailedException.class.getName());
    assertThat((String) toolError.data().get("error_message")).contains("broken", "disk on fire");
    assertThat(toolError.parentId()).isEqualTo(find(events, "module_forward", "start").spanId());
    assertThat(instrumentation.openToolCalls()).isZero();
  }

  @Test
  void aModelErrorOnTheCallbackThreadFailsTheLlmCallAndTheModule() {
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll);
    Assistant assistant =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(
                new FakeStreamingModel(
                    modelThread, WORDS, null, new IllegalStateException("model overloaded")))
            .build();

    assertThatThrownBy(() -> stream(assistant.chat("Hello")))
        .hasRootCauseInstanceOf(IllegalStateException.class)
        .hasRootCauseMessage("model overloaded");

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly(
            "module_forward:start", "llm_call:start", "llm_call:error", "module_forward:error");
    StreamllEvent llmError = find(events, "llm_call", "error");
    assertThat(llmError.data())
        .containsEntry("error_type", IllegalStateException.class.getName())
        .containsEntry("error_message", "model overloaded");
    StreamllEvent moduleError = find(events, "module_forward", "error");
    assertThat(llmError.parentId()).isEqualTo(moduleError.spanId());
    assertThat(llmError.executionId()).isEqualTo(moduleError.executionId());
    assertThat(instrumentation.openInvocations()).isZero();
  }

  @Test
  void aBlockingModelThatThrowsFailsTheLlmCallAndTheModuleAndTheCallerSeesTheException() {
    ChatModel failing =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            throw new IllegalArgumentException("context window exceeded");
          }
        };
    Helper helper =
        StreamllLangChain4j.instrument(streamll, Helper.class).chatModel(failing).build();

    assertThatThrownBy(() -> helper.ask("Hi")).hasMessageContaining("context window exceeded");

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly(
            "module_forward:start", "llm_call:start", "llm_call:error", "module_forward:error");
    assertThat(find(events, "module_forward", "start").moduleName()).isEqualTo("Helper");
    assertThat(find(events, "llm_call", "error").parentId())
        .isEqualTo(find(events, "module_forward", "start").spanId());
  }

  @Test
  void blockingModelCallNestsUnderTheCallersSpanAndRecordsUsage() {
    ChatModel model =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            return ChatResponse.builder()
                .aiMessage(AiMessage.from("42"))
                .modelName("m-1")
                .tokenUsage(new TokenUsage(3, 1))
                .build();
          }
        };
    Helper helper = StreamllLangChain4j.instrument(streamll, Helper.class).chatModel(model).build();

    try (Span request = streamll.span("http_request").module("Web").start()) {
      assertThat(helper.ask("What is six times seven?")).isEqualTo("42");
    }

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly(
            "http_request:start",
            "module_forward:start",
            "llm_call:start",
            "llm_call:end",
            "module_forward:end",
            "http_request:end");
    StreamllEvent outer = find(events, "http_request", "start");
    assertThat(find(events, "module_forward", "start").parentId()).isEqualTo(outer.spanId());
    assertThat(events).allSatisfy(e -> assertThat(e.executionId()).isEqualTo(outer.executionId()));
    assertThat(find(events, "llm_call", "end").data())
        .containsEntry("gen_ai.usage.input_tokens", 3)
        .containsEntry("gen_ai.usage.output_tokens", 1)
        .doesNotContainKey("time_to_first_token_seconds");
    assertThat(find(events, "llm_call", "start").data()).containsEntry("streaming", false);
  }

  @Test
  void noTextIsRecordedUnlessContentCaptureAllowsIt() throws Exception {
    Assistant assistant =
        StreamllLangChain4j.instrument(streamll, Assistant.class)
            .streamingChatModel(new FakeStreamingModel(modelThread, WORDS, "lookup", null))
            .contentRetriever(new FakeRetriever())
            .tools(new Tools())
            .build();

    stream(assistant.chat("my secret question"));

    List<StreamllEvent> events = events();
    assertThat(events).isNotEmpty();
    for (StreamllEvent event : events) {
      assertThat(event.data())
          .doesNotContainKeys(
              "input",
              "output",
              "query",
              "documents",
              "gen_ai.input.messages",
              "gen_ai.output.messages",
              "gen_ai.tool.call.arguments",
              "gen_ai.tool.call.result");
      if (event.eventType().equals("token")) {
        assertThat(event.data()).containsEntry("token", "");
      }
    }
    assertThat(events.toString()).doesNotContain("secret", "journal keeps");
  }

  @Test
  void aRedactingCaptureSeesEveryKindOfTextAndItsResultIsWhatIsRecorded() throws Exception {
    ContentCapture masked =
        (kind, text) -> kind == ContentCapture.Kind.TOKEN ? text : text.replace("secret", "[x]");
    Assistant assistant =
        StreamllLangChain4j.create(streamll, masked)
            .aiServices(Assistant.class)
            .streamingChatModel(new FakeStreamingModel(modelThread, WORDS, null, null))
            .systemMessage("Be brief, secret agent.")
            .build();

    stream(assistant.chat("my secret question"));

    List<StreamllEvent> events = events();
    assertThat(find(events, "module_forward", "start").data())
        .containsEntry("input", "my [x] question");
    assertThat(find(events, "llm_call", "start").data().get("gen_ai.input.messages"))
        .isEqualTo(
            List.of(
                Map.of(
                    "role",
                    "system",
                    "parts",
                    List.of(Map.of("type", "text", "content", "Be brief, [x] agent."))),
                Map.of(
                    "role",
                    "user",
                    "parts",
                    List.of(Map.of("type", "text", "content", "my [x] question")))));
    assertThat(events.toString()).doesNotContain("secret");
  }

  @Test
  void aThrowingContentCaptureDropsTheTextButNotTheCall() throws Exception {
    ContentCapture broken =
        (kind, text) -> {
          throw new IllegalStateException("bad policy");
        };
    Assistant assistant =
        StreamllLangChain4j.create(streamll, broken)
            .aiServices(Assistant.class)
            .streamingChatModel(new FakeStreamingModel(modelThread, WORDS, null, null))
            .build();

    assertThat(stream(assistant.chat("hello")).aiMessage().text())
        .isEqualTo("The journal keeps events.");
    assertThat(shape(events())).endsWith("llm_call:end", "module_forward:end");
  }

  @Test
  void theListenerAloneParentsACallCompletedOnAnotherThreadThroughAttributes() throws Exception {
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll);
    FakeStreamingModel plain = new FakeStreamingModel(modelThread, WORDS, null, null);
    dev.langchain4j.model.chat.StreamingChatModel withListener =
        new dev.langchain4j.model.chat.StreamingChatModel() {
          @Override
          public void doChat(
              ChatRequest request,
              dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler) {
            plain.doChat(request, handler);
          }

          @Override
          public List<dev.langchain4j.model.chat.listener.ChatModelListener> listeners() {
            return List.of(instrumentation.chatModelListener());
          }
        };
    Span parent = streamll.span("pipeline").makeCurrent(false).start();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    withListener.chat(
        ChatRequest.builder().messages(dev.langchain4j.data.message.UserMessage.from("hi")).build(),
        dev.langchain4j.model.chat.ChatRequestOptions.builder()
            .addListenerAttribute(StreamllLangChain4j.PARENT_SPAN, parent)
            .build(),
        new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    done.get(10, TimeUnit.SECONDS);
    parent.close();

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly("pipeline:start", "llm_call:start", "llm_call:end", "pipeline:end");
    StreamllEvent llmEnd = find(events, "llm_call", "end");
    assertThat(llmEnd.parentId()).isEqualTo(parent.spanId());
    assertThat(llmEnd.executionId()).isEqualTo(parent.executionId());
    assertThat(llmEnd.data()).containsEntry("gen_ai.usage.output_tokens", 4);
    assertThat(find(events, "llm_call", "start").data()).doesNotContainKey("streaming");
  }

  @Test
  void aStreamingErrorWhoseHandlerIgnoresErrorsStillEndsTheModule() throws Exception {
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll);
    Assistant assistant =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(
                new FakeStreamingModel(
                    modelThread, WORDS, null, new IllegalStateException("rate limited")))
            .build();

    assistant.chat("Hello").ignoreErrors().start();

    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> instrumentation.openInvocations() == 0);
    assertThat(shape(events()))
        .containsExactly(
            "module_forward:start", "llm_call:start", "llm_call:error", "module_forward:error");
  }

  @Test
  void aStreamingModelThatThrowsInStartFailsTheLlmCallAndTheModuleOnce() {
    dev.langchain4j.model.chat.StreamingChatModel throwing =
        new dev.langchain4j.model.chat.StreamingChatModel() {
          @Override
          public void doChat(
              ChatRequest request,
              dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler) {
            throw new IllegalStateException("no connection");
          }
        };
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll);
    Assistant assistant =
        instrumentation.aiServices(Assistant.class).streamingChatModel(throwing).build();

    assertThatThrownBy(
            () -> assistant.chat("Hello").onCompleteResponse(r -> {}).onError(e -> {}).start())
        .hasMessage("no connection");

    assertThat(shape(events()))
        .containsExactly(
            "module_forward:start", "llm_call:start", "llm_call:error", "module_forward:error");
    assertThat(instrumentation.openInvocations()).isZero();
  }

  @Test
  void anInvocationThatFailsBeforeItStartsIsOneModuleError() {
    ChatModel model =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            return ChatResponse.builder().aiMessage(AiMessage.from("unused")).build();
          }
        };
    Templated templated =
        StreamllLangChain4j.instrument(streamll, Templated.class).chatModel(model).build();

    assertThatThrownBy(() -> templated.about("journals")).hasMessageContaining("topic");

    List<StreamllEvent> events = events();
    assertThat(shape(events)).containsExactly("module_forward:start", "module_forward:error");
    assertThat(events.get(0).moduleName()).isEqualTo("Templated");
    assertThat(events.get(0).methodName()).isEqualTo("about");
  }

  @Test
  void aBuilderMadeElsewhereGetsModuleAndToolEventsFromInstrument() {
    ChatModel model =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            boolean toolAnswered =
                request.messages().get(request.messages().size() - 1)
                    instanceof dev.langchain4j.data.message.ToolExecutionResultMessage;
            AiMessage message =
                toolAnswered
                    ? AiMessage.from("done")
                    : AiMessage.from(
                        dev.langchain4j.agent.tool.ToolExecutionRequest.builder()
                            .id("t1")
                            .name("lookup")
                            .arguments("{\"arg0\":\"x\"}")
                            .build());
            return ChatResponse.builder().aiMessage(message).build();
          }
        };
    StreamllLangChain4j instrumentation = StreamllLangChain4j.create(streamll);
    Helper helper =
        instrumentation
            .instrument(dev.langchain4j.service.AiServices.builder(Helper.class))
            .chatModel(instrumentation.chatModel(model))
            .tools(new Tools())
            .build();

    assertThat(helper.ask("go")).isEqualTo("done");

    List<StreamllEvent> events = events();
    assertThat(shape(events))
        .containsExactly(
            "module_forward:start",
            "llm_call:start",
            "llm_call:end",
            "tool_call:start",
            "tool_call:end",
            "llm_call:start",
            "llm_call:end",
            "module_forward:end");
    String module = events.get(0).spanId();
    assertThat(events.subList(1, events.size() - 1))
        .allSatisfy(e -> assertThat(e.parentId()).isEqualTo(module));
  }

  @Test
  void concurrentStreamingInvocationsKeepTheirEventsApart() throws Exception {
    ExecutorService callbacks = Executors.newFixedThreadPool(4);
    ExecutorService callers = Executors.newFixedThreadPool(8);
    try {
      StreamllLangChain4j instrumentation =
          StreamllLangChain4j.create(streamll, ContentCapture.all());
      Assistant assistant =
          instrumentation
              .aiServices(Assistant.class)
              .streamingChatModel(new FakeStreamingModel(callbacks, WORDS, "lookup", null))
              .contentRetriever(new FakeRetriever())
              .tools(new Tools())
              .build();
      List<CompletableFuture<ChatResponse>> answers = new java.util.ArrayList<>();
      for (int i = 0; i < 40; i++) {
        answers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return stream(assistant.chat("question"));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                callers));
      }
      for (CompletableFuture<ChatResponse> answer : answers) {
        assertThat(answer.get(30, TimeUnit.SECONDS).aiMessage().text())
            .isEqualTo("The journal keeps events.");
      }

      Map<String, List<StreamllEvent>> runs =
          events().stream().collect(Collectors.groupingBy(StreamllEvent::executionId));
      assertThat(runs).hasSize(40);
      for (List<StreamllEvent> run : runs.values()) {
        assertThat(shape(run))
            .containsExactly(
                "module_forward:start",
                "retrieve:start",
                "retrieve:end",
                "llm_call:start",
                "llm_call:end",
                "tool_call:start",
                "tool_call:end",
                "llm_call:start",
                "llm_call:token",
                "llm_call:token",
                "llm_call:token",
                "llm_call:token",
                "llm_call:end",
                "module_forward:end");
        String module = run.get(0).spanId();
        assertThat(run.subList(1, run.size() - 1))
            .allSatisfy(e -> assertThat(e.parentId()).isEqualTo(module));
        assertThat(run.stream().filter(e -> e.eventType().equals("token")))
            .extracting(e -> e.data().get("token_index"))
            .containsExactly(0, 1, 2, 3);
      }
      assertThat(instrumentation.openInvocations()).isZero();
      assertThat(instrumentation.openToolCalls()).isZero();
    } finally {
      callers.shutdownNow();
      callbacks.shutdownNow();
      assertThat(callers.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
      assertThat(callbacks.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
