package dev.streamll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.event.StreamllEvent;
import dev.streamll.testing.CollectingSink;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InstrumentationProxyTest {
  interface Assistant {
    String answer(String question) throws IOException;

    @Instrumented(
        operation = "llm_call",
        tags = {"tier=gold"})
    CompletableFuture<String> stream(String question);

    @Instrumented(enabled = false)
    int quiet();
  }

  static final class ChatBot implements Assistant {
    private final CompletableFuture<String> pending = new CompletableFuture<>();

    @Override
    public String answer(String question) throws IOException {
      if (question.isEmpty()) {
        throw new IOException("empty question");
      }
      return "42";
    }

    @Override
    public CompletableFuture<String> stream(String question) {
      return pending;
    }

    @Override
    public int quiet() {
      return 7;
    }
  }

  private final CollectingSink sink = new CollectingSink("collect");
  private final Streamll streamll =
      Streamll.create(StreamllConfig.builder().inMemoryJournal().sink(sink).build());

  @AfterEach
  void close() {
    streamll.close();
  }

  private List<StreamllEvent> events() {
    assertThat(streamll.flush(Duration.ofSeconds(5)).complete()).isTrue();
    return sink.events();
  }

  @Test
  void eachCallIsASpanNamedAfterTheImplementationAndMethod() throws Exception {
    Assistant assistant = streamll.instrument(Assistant.class, new ChatBot());

    assertThat(assistant.answer("why?")).isEqualTo("42");

    assertThat(events())
        .extracting(
            StreamllEvent::moduleName,
            StreamllEvent::methodName,
            StreamllEvent::operation,
            StreamllEvent::eventType)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("ChatBot", "answer", "module_forward", "start"),
            org.assertj.core.groups.Tuple.tuple("ChatBot", "answer", "module_forward", "end"));
  }

  @Test
  void theOriginalExceptionPropagatesAndIsRecorded() {
    Assistant assistant = streamll.instrument(Assistant.class, new ChatBot());

    assertThatThrownBy(() -> assistant.answer(""))
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("empty question");

    StreamllEvent error = events().get(1);
    assertThat(error.eventType()).isEqualTo("error");
    assertThat(error.data()).containsEntry("error_type", "java.io.IOException");
  }

  @Test
  void asynchronousResultsEndTheSpanWhenTheyComplete() {
    ChatBot bot = new ChatBot();
    Assistant assistant = streamll.instrument(Assistant.class, bot);

    CompletableFuture<String> result = assistant.stream("hi");
    assertThat(events()).extracting(StreamllEvent::eventType).containsExactly("start");
    bot.pending.complete("hello");

    assertThat(result.join()).isEqualTo("hello");
    List<StreamllEvent> events = events();
    assertThat(events).extracting(StreamllEvent::eventType).containsExactly("start", "end");
    assertThat(events.get(0).operation()).isEqualTo("llm_call");
    assertThat(events.get(0).tags()).containsEntry("tier", "gold");
  }

  @Test
  void disabledMethodsAndObjectMethodsAreNotTraced() {
    Assistant assistant = streamll.instrument(Assistant.class, new ChatBot());

    assertThat(assistant.quiet()).isEqualTo(7);
    assertThat(assistant.toString()).startsWith("Instrumented[");
    assertThat(assistant).isEqualTo(assistant);

    assertThat(events()).isEmpty();
  }

  @Test
  void withVersionTrackingStartEndAndErrorCarryTheModuleVersionButTokensDoNot() {
    CollectingSink versioned = new CollectingSink("versioned");
    try (Streamll tracked =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .versionTracking(dev.streamll.version.VersionTracking.enabled())
                .sink(versioned)
                .build())) {
      tracked.instrument(Assistant.class, new ChatBot()).quiet();
      try (Span span =
          tracked.span("llm_call").version(tracked.versionOf(ChatBot.class, "answer")).start()) {
        span.token("t");
      }
      Assistant assistant = tracked.instrument(Assistant.class, new ChatBot());
      assertThatThrownBy(() -> assistant.answer("")).isInstanceOf(IOException.class);
      tracked.flush(Duration.ofSeconds(5));
    }

    List<StreamllEvent> events = versioned.events();
    assertThat(events)
        .extracting(StreamllEvent::eventType)
        .containsExactly("start", "token", "end", "start", "error");
    String version = events.get(0).moduleVersion();
    assertThat(version).matches("[0-9a-f]{12}");
    assertThat(events.get(1).moduleVersion()).isNull();
    assertThat(events.get(2).moduleVersion()).isEqualTo(version);
    assertThat(events.get(3).moduleVersion()).isEqualTo(version);
    assertThat(events.get(4).moduleVersion()).isEqualTo(version);
  }

  @Test
  void childSpansOfTheSameModuleInheritItsVersion() {
    VersionInfo version = new VersionInfo("v1", "sig", "abc");
    try (Span module = streamll.span("module_forward").module("Bot").version(version).start()) {
      streamll.trace("llm_call").close();
      streamll.span("retrieve").module("Other").start().close();
    }
    List<StreamllEvent> events = events();
    assertThat(events.get(1).operation()).isEqualTo("llm_call");
    assertThat(events.get(1).moduleVersion()).isEqualTo("v1");
    assertThat(events.get(3).operation()).isEqualTo("retrieve");
    assertThat(events.get(3).moduleVersion()).isNull();
  }

  @Test
  void onlyInterfacesCanBeInstrumented() {
    assertThatThrownBy(() -> streamll.instrument(ChatBot.class, new ChatBot()))
        .hasMessageContaining("needs an interface");
  }
}
