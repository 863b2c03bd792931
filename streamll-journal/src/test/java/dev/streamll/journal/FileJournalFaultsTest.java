package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalFaultsTest {
  @TempDir Path dir;

  @Test
  void diskFullStopsAcceptingReportsTheErrorAndKeepsCommittedRecords() throws IOException {
    // 200-byte payloads: four 224-byte records fill a 1 KiB segment, the fifth rolls to base 4.
    // The next segment's file is a link to /dev/full, so creating it fails with ENOSPC for real.
    Path journalDir = dir;
    try (FileJournal journal =
        FileJournal.builder(journalDir).segmentBytes(1024).maxBytes(1 << 20).build()) {
      Files.createSymbolicLink(dir.resolve("00000000000000000004.seg.tmp"), Path.of("/dev/full"));
      for (int i = 0; i < 4; i++) {
        journal.append(new byte[200], i);
      }
      journal.commit();
      assertThatThrownBy(() -> journal.append(new byte[200], 4))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("stopped accepting appends")
          .hasMessageContaining("No space left on device")
          .hasMessageContaining("records below sequence 4 are intact");
      JournalStats stats = journal.stats();
      assertThat(stats.accepting()).isFalse();
      assertThat(stats.lastError()).contains("No space left on device");
      assertThat(stats.lastErrorAt()).isNotNull();
      assertThatThrownBy(() -> journal.append(new byte[1], 5))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("no longer accepts appends");
      assertThatThrownBy(journal::commit).isInstanceOf(JournalException.class);
      try (JournalReader reader = journal.reader(0)) {
        assertThat(reader.read(100, (s, t, p) -> {})).isEqualTo(4);
      }
    }
    assertThat(Files.exists(dir.resolve("00000000000000000004.seg"))).isFalse();
    try (FileJournal journal = FileJournal.builder(journalDir).segmentBytes(1024).build()) {
      assertThat(journal.recoveredBytesCut()).isZero();
      assertThat(journal.nextSequence()).isEqualTo(4);
      assertThat(journal.append(new byte[200], 4)).isEqualTo(4);
      journal.commit();
      assertThat(journal.nextSequence()).isEqualTo(5);
    }
  }

  @Test
  void blockWaitsUntilTheLaggingCursorMoves() throws Exception {
    try (FileJournal journal =
        FileJournal.builder(dir)
            .segmentBytes(1024)
            .maxBytes(4096)
            .fullPolicy(FullPolicy.BLOCK, Duration.ofSeconds(30))
            .build()) {
      Cursor cursor = journal.cursor("slow-sink", 0);
      AtomicLong appended = new AtomicLong();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 200; i++) {
                    journal.append(new byte[100], i);
                    journal.commit();
                    appended.incrementAndGet();
                  }
                } catch (RuntimeException e) {
                  failure.set(e);
                }
              });
      writer.start();
      await()
          .atMost(10, TimeUnit.SECONDS)
          .until(() -> writer.getState() == Thread.State.TIMED_WAITING);
      long stalledAt = appended.get();
      assertThat(stalledAt).isLessThan(200);
      assertThat(cursor.dropped()).isZero();
      await()
          .atMost(20, TimeUnit.SECONDS)
          .until(
              () -> {
                cursor.commit(journal.nextSequence());
                return !writer.isAlive();
              });
      assertThat(failure.get()).isNull();
      assertThat(appended.get()).isEqualTo(200);
      assertThat(journal.stats().sizeBytes()).isLessThanOrEqualTo(4096);
    }
  }

  @Test
  void intervalFsyncMakesCommittedRecordsDurable() {
    try (FileJournal journal =
        FileJournal.builder(dir)
            .fsync(FsyncPolicy.INTERVAL)
            .fsyncInterval(Duration.ofMillis(20))
            .build()) {
      for (int i = 0; i < 100; i++) {
        journal.append(new byte[10], i);
      }
      journal.commit();
      assertThat(journal.awaitDurable(100, Duration.ofSeconds(10))).isTrue();
      assertThat(journal.durableSequence()).isEqualTo(100);
      assertThat(journal.awaitDurable(101, Duration.ofMillis(50))).isFalse();
    }
  }

  @Test
  void ageRetentionDeletesOldSegmentsOnlyAfterEveryCursorPassedThem() throws IOException {
    try (FileJournal journal =
        FileJournal.builder(dir)
            .segmentBytes(1024)
            .maxBytes(1 << 20)
            .retention(Duration.ofHours(1))
            .build()) {
      Cursor cursor = journal.cursor("audit", 0);
      for (int i = 0; i < 100; i++) {
        journal.append(new byte[100], i);
      }
      journal.commit();
      FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(2)));
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".seg")).toList()) {
          Files.setLastModifiedTime(file, old);
        }
      }
      // The maintenance thread runs each second; the lagging cursor holds everything back.
      await().pollDelay(1500, TimeUnit.MILLISECONDS).until(() -> true);
      assertThat(journal.firstSequence()).isZero();
      cursor.commit(60);
      // 124-byte records, 8 per 1 KiB segment: segments up to [48, 56) are behind the cursor.
      await().atMost(10, TimeUnit.SECONDS).until(() -> journal.firstSequence() == 56);
      try (JournalReader reader = journal.reader(0)) {
        assertThat(reader.read(1, (s, t, p) -> assertThat(s).isEqualTo(journal.firstSequence())))
            .isEqualTo(1);
        assertThat(reader.skipped()).isEqualTo(journal.firstSequence());
      }
    }
  }

  @Test
  void missingOrDamagedIndexIsRebuiltFromTheData() throws IOException {
    try (FileJournal journal =
        FileJournal.builder(dir).segmentBytes(2048).maxBytes(1 << 20).build()) {
      for (int i = 0; i < 300; i++) {
        journal.append(new byte[40], 1000 + i);
      }
      journal.commit();
    }
    Path firstIndex = dir.resolve("00000000000000000000.idx");
    assertThat(firstIndex).exists();
    Files.delete(firstIndex);
    Files.write(dir.resolve("00000000000000000031.idx"), new byte[] {1, 2, 3});
    try (FileJournal journal = FileJournal.builder(dir).segmentBytes(2048).build()) {
      for (long from : new long[] {0, 17, 31, 32, 40, 250}) {
        try (JournalReader reader = journal.reader(from)) {
          long[] expected = {from};
          reader.read(
              50,
              (s, t, p) -> {
                assertThat(s).isEqualTo(expected[0]++);
                assertThat(t).isEqualTo(1000 + s);
              });
          assertThat(expected[0]).isGreaterThan(from);
        }
      }
      assertThat(journal.sequenceAtOrAfter(1000 + 123)).isEqualTo(123);
      assertThat(journal.sequenceAtOrAfter(1_000_000)).isEqualTo(300);
    }
    assertThat(firstIndex).exists();
    assertThat(Files.size(dir.resolve("00000000000000000031.idx"))).isGreaterThan(3);
  }

  @Test
  void badInputGetsClearErrors() {
    try (FileJournal journal =
        FileJournal.builder(dir).segmentBytes(1024).maxBytes(1 << 20).build()) {
      assertThatThrownBy(() -> journal.append(new byte[2000], 0))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("segmentBytes=1024");
      assertThatThrownBy(() -> journal.cursor("no spaces", 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("cursor name");
    }
    assertThatThrownBy(
            () -> FileJournal.builder(dir).segmentBytes(1 << 20).maxBytes(1 << 20).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> FileJournal.builder(dir).segmentBytes(10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("segmentBytes");
    try (FileJournal reader = FileJournal.openReadOnly(dir)) {
      assertThatThrownBy(() -> reader.commit())
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("read-only");
    }
  }
}
