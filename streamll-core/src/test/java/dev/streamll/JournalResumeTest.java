package dev.streamll;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.journal.FileJournal;
import dev.streamll.testing.CollectingSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Events a sink did not confirm wait in the on-disk journal for the next instance. */
class JournalResumeTest {
  @TempDir Path home;

  private static SinkConfig sink(CollectingSink sink) {
    return SinkConfig.of(sink)
        .options(
            ForwarderOptions.builder()
                .backoff(Duration.ofMillis(5), Duration.ofMillis(20))
                .circuitBreaker(1000, Duration.ofMillis(50))
                .build());
  }

  @Test
  void flushMakesTheJournalDurableWithoutWaitingForTheFsyncInterval() {
    CollectingSink sink = new CollectingSink("backend");
    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .journal(
                    () ->
                        FileJournal.builder(home.resolve("journal"))
                            .fsyncInterval(Duration.ofHours(1))
                            .build(),
                    "journal synced hourly")
                .sink(sink(sink))
                .build())) {
      for (int i = 0; i < 100; i++) {
        assertThat(streamll.emit(StreamllEvent.builder().operation("op").build())).isTrue();
      }
      // Before flush forced the journal, durability waited for the next interval: an hour here.
      FlushResult flushed = streamll.flush(Duration.ofSeconds(10));
      assertThat(flushed.complete()).isTrue();
      assertThat(flushed.durable()).isTrue();
      assertThat(streamll.journal().durableSequence()).isGreaterThanOrEqualTo(100);
    }
  }

  @Test
  void undeliveredEventsAreDeliveredByTheNextInstanceFromItsCursor() {
    CollectingSink down = new CollectingSink("backend").failWith(new IllegalStateException("down"));
    Set<String> emitted = new HashSet<>();
    Streamll first =
        Streamll.create(
            StreamllConfig.builder()
                .journalDirectory(home.resolve("journal"))
                .checkSinksAtStart(false)
                .sink(sink(down))
                .build());
    for (int i = 0; i < 500; i++) {
      StreamllEvent event = StreamllEvent.builder().operation("op").build();
      assertThat(first.emit(event)).isTrue();
      emitted.add(event.eventId());
    }
    FlushResult closed = first.close(Duration.ofMillis(200));
    assertThat(closed.complete()).isFalse();
    assertThat(closed.outstandingBySink().get("backend")).isEqualTo(500);
    assertThat(closed.durable()).as("close forces the journal to disk").isTrue();

    CollectingSink up = new CollectingSink("backend");
    try (Streamll second =
        Streamll.create(
            StreamllConfig.builder()
                .journalDirectory(home.resolve("journal"))
                .sink(sink(up))
                .build())) {
      assertThat(second.flush(Duration.ofSeconds(10)).complete()).isTrue();
    }

    Set<String> delivered = new HashSet<>();
    up.events().forEach(e -> delivered.add(e.eventId()));
    assertThat(delivered).isEqualTo(emitted);
  }

  @Test
  void theDefaultGlobalInstanceFallsBackToMemoryWhenItsJournalIsLocked() {
    Streamll.configure(StreamllConfig.builder().inMemoryJournal().build()).close();
    String previous = System.setProperty("streamll.home", home.toString());
    try (dev.streamll.journal.FileJournal other =
        dev.streamll.journal.FileJournal.open(home.resolve("journal"))) {
      Streamll global = Streamll.global();
      try {
        assertThat(global.journal().stats().description()).isEqualTo("memory");
        assertThat(global.emit(StreamllEvent.builder().operation("still works").build())).isTrue();
        assertThat(other.nextSequence()).isZero();
      } finally {
        global.close();
      }
    } finally {
      if (previous == null) {
        System.clearProperty("streamll.home");
      } else {
        System.setProperty("streamll.home", previous);
      }
    }
  }
}
