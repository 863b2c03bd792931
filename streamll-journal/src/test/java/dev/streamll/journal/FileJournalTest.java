package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileJournalTest {
  @TempDir Path dir;

  static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static String text(ByteBuffer payload) {
    byte[] copy = new byte[payload.remaining()];
    payload.get(copy);
    return new String(copy, StandardCharsets.UTF_8);
  }

  static List<String> readAll(Journal journal, long from) {
    List<String> out = new ArrayList<>();
    try (JournalReader reader = journal.reader(from)) {
      while (reader.read(100, (s, t, p) -> out.add(s + ":" + t + ":" + text(p))) > 0) {
        // drain
      }
    }
    return out;
  }

  @Test
  void appendsCommitsAndReadsBackAcrossSegmentsAndReopen() {
    List<String> expected = new ArrayList<>();
    try (FileJournal journal =
        FileJournal.builder(dir).segmentBytes(1024).maxBytes(1 << 20).build()) {
      for (int i = 0; i < 200; i++) {
        assertThat(journal.append(bytes("record-" + i), 1000 + i)).isEqualTo(i);
        expected.add(i + ":" + (1000 + i) + ":record-" + i);
      }
      // Sealing a segment publishes it; the records in the active segment wait for commit.
      assertThat(journal.nextSequence()).isLessThan(200);
      assertThat(readAll(journal, 0)).isEqualTo(expected.subList(0, (int) journal.nextSequence()));
      journal.commit();
      assertThat(journal.nextSequence()).isEqualTo(200);
      assertThat(readAll(journal, 0)).isEqualTo(expected);
      assertThat(readAll(journal, 150)).isEqualTo(expected.subList(150, 200));
    }
    try (FileJournal journal = FileJournal.builder(dir).segmentBytes(1024).build()) {
      assertThat(journal.recoveredBytesCut()).isZero();
      assertThat(journal.nextSequence()).isEqualTo(200);
      assertThat(readAll(journal, 0)).isEqualTo(expected);
      assertThat(readAll(journal, 77)).isEqualTo(expected.subList(77, 200));
      assertThat(journal.append(bytes("after"), 5)).isEqualTo(200);
      journal.commit();
      assertThat(readAll(journal, 200)).containsExactly("200:5:after");
      assertThat(journal.sequenceAtOrAfter(1100)).isEqualTo(100);
      assertThat(journal.sequenceAtOrAfter(0)).isEqualTo(0);
    }
  }

  @Test
  void recoveryCutsATornTailAndReportsTheBytes() throws IOException {
    try (FileJournal journal = FileJournal.open(dir)) {
      for (int i = 0; i < 10; i++) {
        journal.append(bytes("r" + i), i);
      }
      journal.commit();
    }
    Path segment = dir.resolve("00000000000000000000.seg");
    long size = Files.size(segment);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(size - 3);
    }
    try (FileJournal journal = FileJournal.open(dir)) {
      assertThat(journal.recoveredBytesCut()).isEqualTo(SegmentWriter.RECORD_HEADER + 2 - 3);
      assertThat(journal.nextSequence()).isEqualTo(9);
      assertThat(readAll(journal, 0)).hasSize(9);
      assertThat(journal.append(bytes("new"), 99)).isEqualTo(9);
      journal.commit();
      assertThat(readAll(journal, 9)).containsExactly("9:99:new");
    }
  }

  @Test
  void damagedRecordInSealedSegmentStopsTheReaderWithFileAndPosition() throws IOException {
    try (FileJournal journal =
        FileJournal.builder(dir).segmentBytes(1024).maxBytes(1 << 20).build()) {
      for (int i = 0; i < 100; i++) {
        journal.append(bytes("record-" + i), i);
      }
      journal.commit();
    }
    Path first = dir.resolve("00000000000000000000.seg");
    try (FileChannel channel = FileChannel.open(first, StandardOpenOption.WRITE)) {
      // second record starts at 16 + 24 + 8; flip a payload byte of it
      channel.write(ByteBuffer.wrap(new byte[] {'X'}), 16 + 32 + 24 + 2);
    }
    try (FileJournal journal = FileJournal.builder(dir).segmentBytes(1024).build();
        JournalReader reader = journal.reader(0)) {
      List<Long> seen = new ArrayList<>();
      assertThatThrownBy(() -> reader.read(100, (s, t, p) -> seen.add(s)))
          .isInstanceOf(CorruptRecordException.class)
          .hasMessageContaining(first.toString())
          .hasMessageContaining("at byte 48")
          .hasMessageContaining("sequence 1");
      assertThat(seen).containsExactly(0L);
      assertThat(reader.position()).isEqualTo(1);
    }
  }

  @Test
  void secondWriterGetsAClearErrorNamingDirectoryAndPid() {
    try (FileJournal journal = FileJournal.open(dir)) {
      assertThat(journal.directory()).isEqualTo(dir.toAbsolutePath().normalize());
      assertThatThrownBy(() -> FileJournal.open(dir))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining(dir.toString())
          .hasMessageContaining(String.valueOf(ProcessHandle.current().pid()));
    }
    FileJournal.open(dir).close();
  }

  @Test
  void refusesADirectoryThatIsNotAJournal() throws IOException {
    Files.writeString(dir.resolve("notes.txt"), "hello");
    assertThatThrownBy(() -> FileJournal.open(dir))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("is not a StreamLL journal")
        .hasMessageContaining(dir.toString());
    assertThatThrownBy(() -> FileJournal.openReadOnly(dir.resolve("missing")))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void cursorsAreDurableAndHoldBackRetention() {
    try (FileJournal journal =
        FileJournal.builder(dir)
            .segmentBytes(1024)
            .maxBytes(4096)
            .fullPolicy(FullPolicy.BLOCK, Duration.ofMillis(50))
            .build()) {
      Cursor cursor = journal.cursor("redis", 0);
      assertThatThrownBy(
              () -> {
                for (int i = 0; i < 1000; i++) {
                  journal.append(new byte[50], i);
                }
              })
          .isInstanceOf(JournalFullException.class)
          .hasMessageContaining("'redis'");
      cursor.commit(40);
      assertThat(cursor.position()).isEqualTo(40);
    }
    try (FileJournal journal = FileJournal.builder(dir).segmentBytes(1024).maxBytes(4096).build()) {
      assertThat(journal.cursor("redis", 0).position()).isEqualTo(40);
      assertThat(journal.stats().cursors()).containsEntry("redis", 40L);
    }
  }

  @Test
  void dropOldestAdvancesTheLaggingCursorAndCounts() {
    try (FileJournal journal =
        FileJournal.builder(dir)
            .segmentBytes(1024)
            .maxBytes(4096)
            .fullPolicy(FullPolicy.DROP_OLDEST, Duration.ZERO)
            .build()) {
      Cursor cursor = journal.cursor("kafka", 0);
      for (int i = 0; i < 1000; i++) {
        journal.append(new byte[50], i);
        journal.commit();
      }
      assertThat(cursor.dropped()).isPositive();
      assertThat(cursor.position()).isEqualTo(journal.firstSequence());
      assertThat(journal.stats().droppedByCursor().get("kafka")).isEqualTo(cursor.dropped());
      assertThat(journal.stats().sizeBytes()).isLessThanOrEqualTo(4096);
      try (JournalReader reader = journal.reader(0)) {
        assertThat(reader.read(1, (s, t, p) -> {})).isEqualTo(1);
        assertThat(reader.skipped()).isEqualTo(journal.firstSequence());
      }
    }
  }

  @Test
  void tailerWakesOnCommitAndSubscriptionDeliversInOrder() throws Exception {
    try (FileJournal journal = FileJournal.builder(dir).fsync(FsyncPolicy.EVERY_BATCH).build()) {
      List<Long> seen = new CopyOnWriteArrayList<>();
      try (Subscription subscription = journal.subscribe(0, (s, t, p) -> seen.add(s))) {
        for (int i = 0; i < 500; i++) {
          journal.append(bytes("x" + i), i);
          if (i % 7 == 0) {
            journal.commit();
          }
        }
        journal.commit();
        assertThat(journal.durableSequence()).isEqualTo(500);
        assertThat(journal.awaitDurable(500, Duration.ZERO)).isTrue();
        org.awaitility.Awaitility.await()
            .atMost(5, TimeUnit.SECONDS)
            .until(() -> seen.size() == 500);
        assertThat(subscription.position()).isEqualTo(500);
      }
      for (int i = 0; i < 500; i++) {
        assertThat(seen.get(i)).isEqualTo(i);
      }
    }
  }

  @Test
  void readOnlyJournalSeesTheWritersRecordsAndRejectsAppends() {
    try (FileJournal writer = FileJournal.builder(dir).segmentBytes(1024).build();
        FileJournal reader = FileJournal.openReadOnly(dir)) {
      assertThat(reader.nextSequence()).isZero();
      for (int i = 0; i < 100; i++) {
        writer.append(bytes("r" + i), i);
      }
      writer.commit();
      assertThat(reader.awaitAppend(99, Duration.ofSeconds(5))).isTrue();
      assertThat(readAll(reader, 0)).isEqualTo(readAll(writer, 0));
      assertThatThrownBy(() -> reader.append(bytes("no"), 0))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("read-only");
    }
  }

  @Test
  void readOnlyProcessesKeepTheirOwnResumableCursors() {
    try (FileJournal writer = FileJournal.open(dir)) {
      for (int i = 0; i < 100; i++) {
        writer.append(bytes("r" + i), i);
      }
      writer.commit();
      try (FileJournal replay = FileJournal.openReadOnly(dir)) {
        Cursor cursor = replay.cursor("replay-1", 0);
        try (JournalReader reader = replay.reader(cursor.position())) {
          assertThat(reader.read(40, (s, t, p) -> {})).isEqualTo(40);
          cursor.commit(reader.position());
        }
        try (FileJournal other = FileJournal.openReadOnly(dir)) {
          assertThatThrownBy(() -> other.cursor("replay-1", 0))
              .isInstanceOf(JournalException.class)
              .hasMessageContaining("reader cursor 'replay-1'")
              .hasMessageContaining("already open");
        }
      }
      try (FileJournal replay = FileJournal.openReadOnly(dir)) {
        assertThat(replay.cursor("replay-1", 0).position()).isEqualTo(40);
        assertThat(writer.stats().cursors()).doesNotContainKey("replay-1");
        replay.deleteCursor("replay-1");
        assertThat(dir.resolve("readers/replay-1.cursor")).doesNotExist();
      }
      try (FileJournal replay = FileJournal.openReadOnly(dir)) {
        assertThat(replay.cursor("replay-1", 70).position()).isEqualTo(70);
      }
    }
  }

  @Test
  void subscriptionThreadEndsWhenTheJournalCloses() {
    FileJournal journal = FileJournal.open(dir);
    List<Long> seen = new CopyOnWriteArrayList<>();
    Subscription subscription = journal.subscribe(0, (s, t, p) -> seen.add(s));
    journal.append(bytes("one"), 1);
    journal.commit();
    org.awaitility.Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> seen.size() == 1);
    journal.close();
    org.awaitility.Awaitility.await()
        .atMost(5, TimeUnit.SECONDS)
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.getName().equals("streamll-journal-subscriber")));
    subscription.close();
  }

  @Test
  void recordsLargerThanTheWriteBufferAndTheReadWindowRoundTrip() {
    byte[] big = new byte[300 * 1024];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 13);
    }
    try (FileJournal journal =
        FileJournal.builder(dir).segmentBytes(1 << 20).maxBytes(8 << 20).build()) {
      journal.append(bytes("small-0"), 0);
      journal.append(big, 1);
      journal.append(bytes("small-2"), 2);
      journal.append(big, 3);
      journal.append(big, 4);
      journal.commit();
    }
    try (FileJournal journal = FileJournal.builder(dir).segmentBytes(1 << 20).build();
        JournalReader reader = journal.reader(0)) {
      assertThat(journal.nextSequence()).isEqualTo(5);
      List<Integer> sizes = new ArrayList<>();
      reader.read(
          10,
          (s, t, p) -> {
            byte[] copy = new byte[p.remaining()];
            p.get(copy);
            sizes.add(copy.length);
            if (copy.length == big.length) {
              assertThat(copy).isEqualTo(big);
            }
          });
      assertThat(sizes).containsExactly(7, big.length, 7, big.length, big.length);
    }
  }
}
