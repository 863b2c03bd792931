package dev.streamll.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.rag.content.Content;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.langchain4j.examples.QuickStart;
import dev.streamll.testing.CollectingSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QuickStartTest {

  @Test
  void theQuickStartFromTheDocsRunsAndEmitsTheDocumentedEvents() throws Exception {
    CollectingSink sink = new CollectingSink("collect");
    ExecutorService modelThread = Executors.newSingleThreadExecutor();
    try (Streamll streamll =
        Streamll.create(StreamllConfig.builder().sink(sink).inMemoryJournal().build())) {
      String answer =
          QuickStart.ask(
              streamll,
              new FakeStreamingModel(modelThread, List.of("In ", "the ", "journal."), null, null),
              query -> List.of(Content.from(TextSegment.from("The journal keeps events."))));

      assertThat(answer).isEqualTo("In the journal.");
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
      assertThat(
              sink.events().stream()
                  .map(StreamllEvent::operation)
                  .distinct()
                  .collect(Collectors.toList()))
          .containsExactly("module_forward", "retrieve", "llm_call");
    } finally {
      modelThread.shutdownNow();
      assertThat(modelThread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
