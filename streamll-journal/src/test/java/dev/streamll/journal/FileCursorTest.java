package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a cursor around its file: recovery, deletion, close, concurrent use and what is
 * forced to the device. A power loss cannot be produced in a test; where it matters, the tests
 * check what the journal forced through {@link FileJournal#cursorForceListener}.
 */
class FileCursorTest {
  /** Every test record has this payload size: 16-byte segment header, then 24 + 10 per record. */
  private static final int PAYLOAD = 10;

  private static final long RECORD = SegmentWriter.RECORD_HEADER + PAYLOAD;

  @TempDir Path dir;

  private static void append(FileJournal journal, int count) {
    for (int i = 0; i < count; i++) {
      journal.append(new byte[PAYLOAD], i);
    }
    journal.commit();
  }

  /**
   * Cuts the first segment after {@code records} records, as a power loss cuts an unforced tail.
   */
  private void cutFirstSegmentAfter(long records) throws IOException {
    Path segment = SegmentWriter.pathFor(dir, 0);
    try (FileChannel channel = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      channel.truncate(SegmentWriter.SEGMENT_HEADER + records * RECORD);
    }
  }

  private Path writerCursorFile(String name) {
    return CursorFile.path(dir.resolve(FileJournal.CURSORS), name);
  }

  /** Open file descriptors of this process that point below {@code under}. */
  private static long openHandlesUnder(Path under) throws IOException {
    Path real = under.toRealPath();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(
              fd -> {
                try {
                  return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException e) {
                  return false; // the descriptor of the listing itself, already closed
                }
              })
          .count();
    }
  }

  @Test
  void aCursorPulledBackByRecoveryDoesNotSkipTheNewRecordsThatReuseItsSequences()
      throws IOException {
    try (FileJournal journal = FileJournal.open(dir)) {
      append(journal, 10);
      journal.cursor("sink", 0).commit(10);
    }
    // The cursor file reached the disk, the segment's last five records did not.
    cutFirstSegmentAfter(5);
    try (FileJournal journal = FileJournal.open(dir)) {
      assertThat(journal.nextSequence()).isEqualTo(5);
      assertThat(journal.cursor("sink", 0).position()).isEqualTo(5);
      // New events get sequences 5..14; the sink has not confirmed any of them when the process
      // dies.
      append(journal, 10);
    }
    try (FileJournal journal = FileJournal.open(dir)) {
      assertThat(journal.cursor("sink", 0).position()).isEqualTo(5);
    }
    assertThat(CursorFile.read(writerCursorFile("sink")).position()).isEqualTo(5);
  }

  @Test
  void aReaderCursorPastTheRecoveredEndIsPulledBackToo() throws IOException {
    try (FileJournal writer = FileJournal.open(dir)) {
      append(writer, 10);
    }
    try (FileJournal replay = FileJournal.openReadOnly(dir)) {
      replay.cursor("replay-1", 0).commit(10);
    }
    cutFirstSegmentAfter(5);
    try (FileJournal writer = FileJournal.open(dir)) {
      try (FileJournal replay = FileJournal.openReadOnly(dir)) {
        assertThat(replay.cursor("replay-1", 0).position()).isEqualTo(5);
      }
      append(writer, 10);
      try (FileJournal replay = FileJournal.openReadOnly(dir)) {
        // Records 5..9 are new: a replay that resumed at 10 would never see them.
        assertThat(replay.cursor("replay-1", 0).position()).isEqualTo(5);
      }
    }
  }

  @Test
  void aCommitOnADeletedCursorNeitherBringsItsFileBackNorLeaksAHandle() throws IOException {
    try (FileJournal journal = FileJournal.open(dir)) {
      append(journal, 100);
      Cursor gone = journal.cursor("gone", 0);
      gone.commit(5);
      journal.deleteCursor("gone");
      // The sink's forwarder confirms one last batch after its cursor was deleted.
      gone.commit(10);
      assertThat(writerCursorFile("gone")).doesNotExist();
      assertThat(gone.position()).isEqualTo(5);

      for (int i = 1; i <= 50; i++) {
        Cursor cursor = journal.cursor("short-lived", 0);
        cursor.commit(i);
        journal.deleteCursor("short-lived");
        cursor.commit(i + 1);
      }
      assertThat(writerCursorFile("short-lived")).doesNotExist();
      assertThat(openHandlesUnder(dir.resolve(FileJournal.CURSORS))).isZero();
    }
    try (FileJournal journal = FileJournal.open(dir)) {
      // A resurrected cursor would hold back retention forever.
      assertThat(journal.stats().cursors()).isEmpty();
    }
  }

  @Test
  void deletingACursorWhileACommitIsInFlightCannotDeleteTheCursorCreatedAfterIt() throws Exception {
    try (FileJournal journal = FileJournal.open(dir)) {
      append(journal, 20);
      Cursor old = journal.cursor("sink", 0);
      AtomicReference<Cursor> recreated = new AtomicReference<>();
      Thread deleter = new Thread(() -> journal.deleteCursor("sink"), "deleter");
      Thread creator = new Thread(() -> recreated.set(journal.cursor("sink", 7)), "creator");
      // A commit in flight holds the cursor's monitor while it writes the file.
      synchronized (old) {
        deleter.start();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> deleter.getState() == Thread.State.BLOCKED);
        creator.start();
        await()
            .atMost(Duration.ofSeconds(10))
            .until(
                () ->
                    creator.getState() == Thread.State.BLOCKED
                        || creator.getState() == Thread.State.TERMINATED);
      }
      deleter.join(TimeUnit.SECONDS.toMillis(10));
      creator.join(TimeUnit.SECONDS.toMillis(10));
      assertThat(deleter.isAlive() || creator.isAlive()).isFalse();

      Cursor live = recreated.get();
      assertThat(live).isNotSameAs(old);
      live.commit(9);
      assertThat(writerCursorFile("sink")).exists();
    }
    try (FileJournal journal = FileJournal.open(dir)) {
      assertThat(journal.cursor("sink", 0).position()).isEqualTo(9);
    }
  }

  @Test
  void aCommitAfterCloseIsRefusedAndLeavesTheFileToItsNextOwner() throws IOException {
    try (FileJournal writer = FileJournal.open(dir)) {
      append(writer, 20);
    }
    FileJournal first = FileJournal.openReadOnly(dir);
    Cursor late = first.cursor("replay-1", 0);
    late.commit(3);
    first.close();
    try (FileJournal second = FileJournal.openReadOnly(dir)) {
      Cursor owner = second.cursor("replay-1", 0);
      assertThat(owner.position()).isEqualTo(3);
      owner.commit(6);
      // The first process's replay confirms a batch after it closed its journal.
      assertThatThrownBy(() -> late.commit(9))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("is closed");
      assertThat(CursorFile.read(dir.resolve("readers/replay-1.cursor")).position()).isEqualTo(6);
      assertThat(openHandlesUnder(dir.resolve(FileJournal.READERS)))
          .as("the owner's cursor file and lock only")
          .isEqualTo(2);
    }

    FileJournal closed = FileJournal.open(dir);
    Cursor cursor = closed.cursor("sink", 0);
    cursor.commit(4);
    closed.close();
    assertThatThrownBy(() -> cursor.commit(8))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("is closed");
    assertThatThrownBy(() -> closed.deleteCursor("sink"))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("is closed");
    assertThat(CursorFile.read(writerCursorFile("sink")).position()).isEqualTo(4);
    assertThat(openHandlesUnder(dir.resolve(FileJournal.CURSORS))).isZero();
  }

  @Test
  void aClosedReadOnlyJournalKeepsNoFileOpen() throws IOException {
    try (FileJournal writer = FileJournal.open(dir)) {
      append(writer, 5);
    }
    FileJournal replay = FileJournal.openReadOnly(dir);
    assertThat(replay.nextSequence()).isEqualTo(5);
    replay.close();
    // A commit, health check or await that races close still asks for the end.
    assertThat(replay.nextSequence()).isEqualTo(5);
    assertThat(openHandlesUnder(dir)).isZero();
  }

  @Test
  void aReaderCursorWhoseFileCannotBeReadReleasesItsLock() throws IOException {
    try (FileJournal writer = FileJournal.open(dir)) {
      append(writer, 5);
    }
    Path file = dir.resolve("readers/replay-1.cursor");
    Files.createDirectories(file); // reading it fails with an IOException
    try (FileJournal replay = FileJournal.openReadOnly(dir)) {
      assertThatThrownBy(() -> replay.cursor("replay-1", 0))
          .isInstanceOf(JournalException.class)
          .hasMessageContaining("cannot open reader cursor 'replay-1'");
      Files.delete(file);
      assertThat(replay.cursor("replay-1", 2).position()).isEqualTo(2);
    }
  }

  @Test
  void aReaderCursorOpenedWhileTheJournalClosesDoesNotKeepItsLock() throws Exception {
    try (FileJournal writer = FileJournal.open(dir)) {
      append(writer, 5);
    }
    FileJournal replay = FileJournal.openReadOnly(dir);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread opener =
        new Thread(
            () -> {
              try {
                replay.cursor("replay-1", 0);
              } catch (RuntimeException e) {
                failure.set(e);
              }
            },
            "opener");
    synchronized (replay) {
      opener.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> opener.getState() == Thread.State.BLOCKED);
      replay.close();
    }
    opener.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(failure.get())
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("is closed");
    try (FileJournal next = FileJournal.openReadOnly(dir)) {
      assertThat(next.cursor("replay-1", 1).position()).isEqualTo(1);
    }
    assertThat(openHandlesUnder(dir.resolve(FileJournal.READERS))).isZero();
  }

  @Test
  void deletingAReaderCursorWhileItCommitsDoesNotDeadlock() throws Exception {
    try (FileJournal writer = FileJournal.open(dir)) {
      append(writer, 10);
    }
    // Not closed on failure: closing would wait for the deadlocked threads forever.
    FileJournal replay = FileJournal.openReadOnly(dir);
    Cursor cursor = replay.cursor("replay-1", 0);
    Thread committer = new Thread(() -> cursor.commit(5), "committer");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread deleter =
        new Thread(
            () -> {
              try {
                // The commit waits for the journal (to learn its end) while this holds it.
                synchronized (replay) {
                  committer.start();
                  await()
                      .atMost(Duration.ofSeconds(10))
                      .until(() -> committer.getState() == Thread.State.BLOCKED);
                  replay.deleteCursor("replay-1");
                }
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "deleter");
    deleter.setDaemon(true);
    committer.setDaemon(true);
    deleter.start();
    deleter.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(deleter.isAlive()).as("deleteCursor deadlocked with commit").isFalse();
    committer.join(TimeUnit.SECONDS.toMillis(10));
    assertThat(committer.isAlive()).isFalse();
    assertThat(failure.get()).isNull();
    assertThat(dir.resolve("readers/replay-1.cursor")).doesNotExist();
    replay.close();
  }

  @Test
  void creatingAndDeletingACursorIsForcedWithItsDirectory() throws IOException {
    Path cursors = dir.resolve(FileJournal.CURSORS).toAbsolutePath().normalize();
    Path file = writerCursorFile("sink").toAbsolutePath().normalize();
    // An interval no test outlasts: the periodic force of cursor commits must not interfere.
    try (FileJournal journal =
        FileJournal.builder(dir).fsyncInterval(Duration.ofHours(1)).build()) {
      List<Path> forced = new CopyOnWriteArrayList<>();
      journal.cursorForceListener = forced::add;
      append(journal, 10);
      // A cursor file lost to a power loss would make its forwarder start at the journal's end,
      // skipping what it had not delivered yet: the file and its directory entry are forced.
      Cursor cursor = journal.cursor("sink", 0);
      assertThat(forced).containsExactly(file, cursors);
      forced.clear();
      cursor.commit(5); // under INTERVAL, commits themselves are not forced
      assertThat(forced).isEmpty();
      journal.deleteCursor("sink");
      assertThat(forced).containsExactly(cursors);
    }
    try (FileJournal journal =
        FileJournal.builder(dir).fsync(FsyncPolicy.EVERY_BATCH).maxBytes(1L << 30).build()) {
      List<Path> forced = new CopyOnWriteArrayList<>();
      journal.cursorForceListener = forced::add;
      journal.cursor("sink", 0).commit(3);
      assertThat(forced).containsExactly(file, cursors, file);
    }
    try (FileJournal journal = FileJournal.builder(dir).fsync(FsyncPolicy.NONE).build()) {
      List<Path> forced = new CopyOnWriteArrayList<>();
      journal.cursorForceListener = forced::add;
      journal.cursor("other", 0).commit(3);
      journal.deleteCursor("other");
      assertThat(forced).isEmpty();
    }
  }

  @Test
  void underIntervalACursorCommitIsForcedAtTheNextIntervalAndAtClose() throws IOException {
    Path file = writerCursorFile("sink").toAbsolutePath().normalize();
    try (FileJournal journal =
        FileJournal.builder(dir).fsyncInterval(Duration.ofMillis(50)).build()) {
      append(journal, 10);
      Cursor cursor = journal.cursor("sink", 0);
      List<Path> forced = new CopyOnWriteArrayList<>();
      journal.cursorForceListener = forced::add;
      cursor.commit(5);
      await().atMost(Duration.ofSeconds(10)).until(() -> forced.contains(file));
    }
    FileJournal journal = FileJournal.builder(dir).fsyncInterval(Duration.ofHours(1)).build();
    List<Path> forced = new CopyOnWriteArrayList<>();
    journal.cursorForceListener = forced::add;
    journal.cursor("sink", 0).commit(8);
    assertThat(forced).as("commits wait for the interval").isEmpty();
    journal.close();
    assertThat(forced).as("closing forces the last commit").containsExactly(file);
  }
}
