package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.cli.journal.JournalEventSource;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.journal.FileJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --since} on a journal starts reading near the requested time by the journal's time index
 * instead of at its first record, and still delivers every event at or after that time — also one
 * appended among older records, as several emitting threads do.
 */
class JournalSinceSeekTest {
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private static final int EVENTS = 7_200;
  private static final EventCodec CODEC = new EventCodec();

  @TempDir Path directory;

  /**
   * One event a second for two hours, and after the one at 00:59:50 one stamped 01:00:15: appended
   * 25 s out of time order, among records older than the time the test reads from.
   */
  private List<StreamllEvent> writeTwoHours() {
    List<StreamllEvent> written = new ArrayList<>();
    try (FileJournal journal = FileJournal.builder(directory).segmentBytes(256 * 1024).build()) {
      for (int second = 0; second < EVENTS; second++) {
        append(journal, written, T0.plusSeconds(second));
        if (second == 3_590) {
          append(journal, written, T0.plusSeconds(3_615));
        }
      }
      journal.commit();
    }
    return written;
  }

  private static void append(FileJournal journal, List<StreamllEvent> written, Instant time) {
    StreamllEvent event =
        StreamllEvent.builder().moduleName("Clock").eventType("tick").timestamp(time).build();
    journal.append(CODEC.encode(event), time.getEpochSecond() * 1_000_000L);
    written.add(event);
  }

  @Test
  void readingSinceAnHourInSkipsMostOfTheFirstHourAndMissesNothingAfterIt() {
    List<StreamllEvent> written = writeTwoHours();
    Instant since = T0.plus(Duration.ofHours(1)).plusSeconds(10);
    List<String> expected =
        written.stream()
            .filter(e -> !e.timestamp().isBefore(since))
            .map(StreamllEvent::eventId)
            .toList();

    List<String> read = new ArrayList<>();
    long start;
    try (JournalEventSource source = JournalEventSource.open(directory)) {
      source.skipOlderThan(since);
      start = source.startSequence();
      source.read(
          false,
          encoded -> {
            StreamllEvent event = encoded.event();
            if (!event.timestamp().isBefore(since)) {
              read.add(event.eventId());
            }
            return true;
          });
    }

    // Records from 00:59:10 on may be read (the minute's margin and one index interval), none
    // much earlier: the first hour is 3,600 records.
    assertThat(start).isBetween(3_500L, 3_550L);
    assertThat(read).containsExactlyElementsOf(expected);
    assertThat(expected).hasSize(EVENTS - 3_610 + 1).contains(written.get(3_591).eventId());
  }

  @Test
  void aTimeBeforeTheJournalOrAfterItsEndKeepsTheStartOrReadsNothing() {
    writeTwoHours();
    try (JournalEventSource source = JournalEventSource.open(directory)) {
      source.skipOlderThan(T0.minus(Duration.ofDays(1)));
      assertThat(source.startSequence()).isZero();
      source.skipOlderThan(T0.plus(Duration.ofDays(1)));
      assertThat(source.startSequence()).isEqualTo(source.nextSequence());
      source.startAt(5_000);
      source.skipOlderThan(T0);
      assertThat(source.startSequence()).as("never moves back").isEqualTo(5_000);
    }
  }
}
