package dev.streamll.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.service.IllegalConfigurationException;
import dev.langchain4j.service.TokenStream;
import dev.streamll.Streamll;
import dev.streamll.event.StreamllEvent;
import dev.streamll.testing.CollectingSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code TokenStream} the application drops without starting it (a request cancelled before
 * streaming began, an exception between building and starting) can never report an end. Its
 * invocation must still end, once, and be forgotten, and nothing that does start may be affected.
 *
 * <p>What releases it is the garbage collector, so the tests call {@link System#gc()} until the
 * expected event arrives, with a deadline; they never sleep.
 */
class AbandonedTokenStreamTest {
  private static final List<String> WORDS = RecordingStreamll.WORDS;

  interface Assistant {
    TokenStream chat(String question);
  }

  interface Helper {
    String ask(String question);
  }

  private RecordingStreamll recording;
  private CollectingSink sink;
  private ExecutorService modelThread;
  private Streamll streamll;
  private StreamllLangChain4j instrumentation;
  private Assistant assistant;

  @BeforeEach
  void setUp() {
    recording = new RecordingStreamll();
    sink = recording.sink;
    modelThread = recording.modelThread;
    streamll = recording.streamll;
    instrumentation = StreamllLangChain4j.create(streamll);
    assistant =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(new FakeStreamingModel(modelThread, WORDS, null, null))
            .build();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    recording.close();
  }

  @Test
  void aTokenStreamDroppedWithoutStartEndsItsInvocationWithOneAbandonedError() {
    dropWithoutStart("never streamed");
    assertThat(instrumentation.openInvocations()).isOne();

    List<StreamllEvent> events = collectGarbageUntilAbandoned(1);

    assertThat(shape(events)).containsExactly("module_forward:start", "module_forward:error");
    StreamllEvent start = events.get(0);
    StreamllEvent error = events.get(1);
    assertThat(error.spanId()).isEqualTo(start.spanId());
    assertThat(error.executionId()).isEqualTo(start.executionId());
    assertThat(error.data())
        .containsEntry("abandoned", true)
        .containsEntry("error_type", InvocationAbandonedException.class.getName())
        .containsKey("duration_seconds");
    assertThat((String) error.data().get("error_message")).contains("never started");
    assertThat(instrumentation.openInvocations()).isZero();
  }

  @Test
  void aTokenStreamWhoseStartFailsItsOwnValidationIsAbandonedOnceDropped() {
    failToStart("no error handler");

    List<StreamllEvent> events = collectGarbageUntilAbandoned(1);

    assertThat(shape(events)).containsExactly("module_forward:start", "module_forward:error");
    assertThat(events.get(1).data()).containsEntry("abandoned", true);
    assertThat(instrumentation.openInvocations()).isZero();
  }

  @Test
  void streamsStartedAndDroppedAtOnceEndNormallyEvenWhenCollectionRunsWhileTheyWait()
      throws Exception {
    // Hold the model's thread so every started call waits with only LangChain4j's response
    // handler, queued on that thread, keeping its invocation reachable.
    CountDownLatch release = new CountDownLatch(1);
    modelThread.execute(
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    List<CompletableFuture<String>> answers = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      answers.add(startAndDrop("question " + i));
    }
    dropWithoutStart("the marker that collection ran");

    // The marker's error proves a collection and its cleanup ran while the 20 calls waited.
    List<StreamllEvent> whileWaiting = collectGarbageUntilAbandoned(1);
    assertThat(whileWaiting.stream().filter(e -> e.eventType().equals("error"))).hasSize(1);
    assertThat(instrumentation.openInvocations()).isEqualTo(20);

    release.countDown();
    for (CompletableFuture<String> answer : answers) {
      assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("The journal keeps events.");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> instrumentation.openInvocations() == 0);
    // The 20 finished invocations are unreachable now too; a second marker proves their
    // collection ran as well, and none of them may end a second time.
    dropWithoutStart("the second marker");
    List<StreamllEvent> events = collectGarbageUntilAbandoned(2);

    Map<String, List<StreamllEvent>> runs =
        events.stream().collect(Collectors.groupingBy(StreamllEvent::executionId));
    assertThat(runs).hasSize(22);
    long abandoned =
        runs.values().stream()
            .filter(
                run -> shape(run).equals(List.of("module_forward:start", "module_forward:error")))
            .count();
    assertThat(abandoned).isEqualTo(2);
    assertThat(runs.values())
        .filteredOn(run -> run.size() > 2)
        .hasSize(20)
        .allSatisfy(
            run ->
                assertThat(shape(run))
                    .containsExactly(
                        "module_forward:start",
                        "llm_call:start",
                        "llm_call:token",
                        "llm_call:token",
                        "llm_call:token",
                        "llm_call:token",
                        "llm_call:end",
                        "module_forward:end"));
    assertThat(instrumentation.openInvocations()).isZero();
  }

  @Test
  void aStartedStreamWhoseModelDropsTheResponseHandlerIsAbandonedAndSaysSo() {
    StreamingChatModel silent =
        new StreamingChatModel() {
          @Override
          public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {}
        };
    Assistant dropping =
        instrumentation.aiServices(Assistant.class).streamingChatModel(silent).build();
    startAndDrop(dropping, "nobody answers");

    collectGarbageUntilAbandoned(1);
    // The llm_call span is ended by its own handler's collection, which may come later.
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              System.gc();
              assertThat(shape(events())).contains("llm_call:error");
            });
    List<StreamllEvent> events = events();

    assertThat(shape(events))
        .hasSize(4)
        .startsWith("module_forward:start", "llm_call:start")
        .contains("module_forward:error", "llm_call:error");
    for (StreamllEvent error :
        events.stream().filter(e -> e.eventType().equals("error")).toList()) {
      assertThat(error.data())
          .as(error.operation())
          .containsEntry("abandoned", true)
          .containsEntry("error_type", InvocationAbandonedException.class.getName());
      assertThat((String) error.data().get("error_message"))
          .contains("dropped its response handler");
    }
    assertThat(instrumentation.openInvocations()).isZero();
  }

  /**
   * A model that rejects the request by throwing, after dropping the handler: the call must end
   * with that failure, not as abandoned, even when a collection runs in between. Collections run
   * inside the model, where only a missing reachability fence would let the handler go — and only
   * once the JIT has compiled the caller (interpreted frames keep dead locals), hence the calls.
   */
  @Test
  void aModelThatThrowsAfterDroppingTheHandlerFailsWithItsOwnError() {
    AtomicInteger requests = new AtomicInteger();
    StreamingChatModel rejecting =
        instrumentation.streamingChatModel(
            new StreamingChatModel() {
              @Override
              public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
                if (requests.incrementAndGet() % 50 == 0) {
                  System.gc();
                }
                throw new IllegalStateException("unsupported request");
              }
            });
    int calls = 4000;
    for (int i = 0; i < calls; i++) {
      assertThatThrownBy(
              () ->
                  rejecting.chat(
                      ChatRequest.builder().messages(UserMessage.from("q")).build(),
                      new StreamingChatResponseHandler() {
                        @Override
                        public void onCompleteResponse(ChatResponse response) {}

                        @Override
                        public void onError(Throwable error) {}
                      }))
          .hasMessage("unsupported request");
    }
    System.gc();

    List<StreamllEvent> errors =
        events().stream()
            .filter(e -> e.operation().equals("llm_call") && e.eventType().equals("error"))
            .toList();
    assertThat(errors).hasSize(calls);
    assertThat(errors)
        .allSatisfy(
            error ->
                assertThat(error.data())
                    .containsEntry("error_type", IllegalStateException.class.getName())
                    .doesNotContainKey("abandoned"));
  }

  @Test
  void invocationsThatEndedAnyOtherWayAreNeverEndedAgainWhenCollected() throws Exception {
    Assistant failing =
        instrumentation
            .aiServices(Assistant.class)
            .streamingChatModel(
                new FakeStreamingModel(
                    modelThread, WORDS, null, new IllegalStateException("model overloaded")))
            .build();
    ChatModel blocking =
        new ChatModel() {
          @Override
          public ChatResponse doChat(ChatRequest request) {
            if (request.messages().toString().contains("fail")) {
              throw new IllegalArgumentException("context window exceeded");
            }
            return ChatResponse.builder().aiMessage(AiMessage.from("42")).build();
          }
        };
    Helper helper = instrumentation.aiServices(Helper.class).chatModel(blocking).build();

    assertThat(startAndDrop("completes").get(10, TimeUnit.SECONDS))
        .isEqualTo("The journal keeps events.");
    assertThatThrownBy(
            () -> startAndDrop(failing, "fails on the model thread").get(10, TimeUnit.SECONDS))
        .hasRootCauseMessage("model overloaded");
    assertThat(helper.ask("answer")).isEqualTo("42");
    assertThatThrownBy(() -> helper.ask("fail")).hasMessageContaining("context window exceeded");
    await().atMost(Duration.ofSeconds(10)).until(() -> instrumentation.openInvocations() == 0);
    dropWithoutStart("the marker that collection ran");

    List<StreamllEvent> events = collectGarbageUntilAbandoned(1);

    Map<String, List<String>> terminals =
        events.stream()
            .filter(e -> e.operation().equals("module_forward"))
            .filter(e -> !e.eventType().equals("start"))
            .collect(
                Collectors.groupingBy(
                    StreamllEvent::spanId,
                    Collectors.mapping(StreamllEvent::eventType, Collectors.toList())));
    assertThat(terminals.values())
        .containsExactlyInAnyOrder(
            List.of("end"), List.of("error"), List.of("end"), List.of("error"), List.of("error"));
    assertThat(instrumentation.openInvocations()).isZero();
  }

  // Helpers that obtain a TokenStream live in their own frames, so that no local variable of the
  // test keeps it reachable.

  private void dropWithoutStart(String question) {
    assistant.chat(question);
  }

  private void failToStart(String question) {
    TokenStream tokens = assistant.chat(question).onPartialResponse(token -> {});
    assertThatThrownBy(tokens::start).isInstanceOf(IllegalConfigurationException.class);
  }

  private CompletableFuture<String> startAndDrop(String question) {
    return startAndDrop(assistant, question);
  }

  private static CompletableFuture<String> startAndDrop(Assistant assistant, String question) {
    CompletableFuture<String> answer = new CompletableFuture<>();
    assistant
        .chat(question)
        .onPartialResponse(token -> {})
        .onCompleteResponse(response -> answer.complete(response.aiMessage().text()))
        .onError(answer::completeExceptionally)
        .start();
    return answer;
  }

  /** Collects garbage until {@code count} invocations ended as abandoned; all events so far. */
  private List<StreamllEvent> collectGarbageUntilAbandoned(int count) {
    await()
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () -> {
              System.gc();
              List<StreamllEvent> events = events();
              assertThat(abandonedErrors(events))
                  .as(
                      "abandoned invocations ended; still open: %d; events: %s",
                      instrumentation.openInvocations(), shape(events))
                  .isGreaterThanOrEqualTo(count);
            });
    List<StreamllEvent> events = events();
    assertThat(abandonedErrors(events)).isEqualTo(count);
    return events;
  }

  private static long abandonedErrors(List<StreamllEvent> events) {
    return events.stream()
        .filter(e -> e.operation().equals("module_forward") && e.eventType().equals("error"))
        .filter(e -> Boolean.TRUE.equals(e.data().get("abandoned")))
        .count();
  }

  private List<StreamllEvent> events() {
    return recording.events();
  }

  private static List<String> shape(List<StreamllEvent> events) {
    return RecordingStreamll.shape(events);
  }
}
