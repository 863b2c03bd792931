package dev.streamll.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.testing.CollectingSink;
import dev.streamll.testing.EventSchema;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The fixture of the LangChain4j tests: a StreamLL instance whose sink collects every event, the
 * thread a fake streaming model answers on, and reading the events back validated against the JSON
 * Schema.
 */
final class RecordingStreamll implements AutoCloseable {
  static final List<String> WORDS = List.of("The ", "journal ", "keeps ", "events.");

  final CollectingSink sink = new CollectingSink("collect");
  final ExecutorService modelThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "model-callbacks"));
  final Streamll streamll =
      Streamll.create(StreamllConfig.builder().sink(sink).inMemoryJournal().build());

  /** Every event emitted so far, in order, once each is confirmed and valid. */
  List<StreamllEvent> events() {
    assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
    for (EncodedEvent encoded : sink.confirmed()) {
      EventSchema.assertValid(encoded.json());
    }
    return sink.events();
  }

  /** {@code operation:event_type} of each event, the order a test usually checks. */
  static List<String> shape(List<StreamllEvent> events) {
    return events.stream()
        .map(e -> e.operation() + ":" + e.eventType())
        .collect(Collectors.toList());
  }

  @Override
  public void close() throws InterruptedException {
    streamll.close();
    modelThread.shutdownNow();
    assertThat(modelThread.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }
}
