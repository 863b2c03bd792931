package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code shown in docs/journal.md, kept compiling and passing. */
class JournalDocExamplesTest {
  @TempDir Path dir;

  @Test
  void writerReaderAndCursor() {
    // --- docs/journal.md: open for writing
    try (FileJournal journal =
        FileJournal.builder(dir)
            .segmentBytes(64L << 20)
            .maxBytes(4L << 30)
            .fullPolicy(FullPolicy.DROP_OLDEST, Duration.ZERO)
            .retention(Duration.ofDays(7))
            .fsync(FsyncPolicy.EVERY_BATCH)
            .build()) {
      long sequence =
          journal.append("{\"event_type\":\"start\"}".getBytes(StandardCharsets.UTF_8), 1_000L);
      journal.commit(); // visible to readers, and forced to disk under EVERY_BATCH
      boolean durable = journal.awaitDurable(sequence + 1, Duration.ofSeconds(1));

      // --- docs/journal.md: a forwarder-style consumer with a durable cursor
      Cursor cursor = journal.cursor("my-consumer", journal.firstSequence());
      try (JournalReader reader = journal.reader(cursor.position())) {
        reader.read(
            512,
            (seq, timestampMicros, payload) -> {
              byte[] json = new byte[payload.remaining()];
              payload.get(json);
              // ... deliver json; then, after the destination confirmed:
            });
        cursor.commit(reader.position());
      }
      assertThat(durable).isTrue();
      assertThat(cursor.position()).isEqualTo(1);
    }

    // --- docs/journal.md: another process reading while the writer runs
    List<Long> seen = new ArrayList<>();
    try (FileJournal journal = FileJournal.openReadOnly(dir);
        JournalReader reader = journal.reader(0)) {
      while (reader.read(1000, (seq, ts, payload) -> seen.add(seq)) > 0
          || reader.await(Duration.ofMillis(10))) {
        // handle records; await polls the tail every 2 ms
      }
    }
    assertThat(seen).containsExactly(0L);
  }
}
