package dev.streamll.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The two-slot cursor file: each commit in place, a damaged newest slot falls back one commit. */
class CursorFileTest {
  @TempDir Path dir;

  @Test
  void everyCommitIsReadBackAndSurvivesReopeningTheWriter() throws IOException {
    Path file = CursorFile.path(dir, "sink");
    assertThat(CursorFile.read(file)).isNull();
    try (CursorFile.Writer writer = new CursorFile.Writer(file)) {
      for (long position = 1; position <= 5; position++) {
        writer.write(new CursorFile.State(position, position / 2), false);
        assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(position, position / 2));
      }
    }
    try (CursorFile.Writer reopened = new CursorFile.Writer(file)) {
      reopened.write(new CursorFile.State(6, 3), true);
      assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(6, 3));
      // The older slot still holds the commit before, so damaging the newest loses one commit.
      damage(file, CursorFile.newestSlotOffset(file) + 20);
      assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(5, 2));
      // The next commit goes into the damaged slot's successor, past the surviving generation.
      reopened.write(new CursorFile.State(7, 3), false);
      assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(7, 3));
    }
  }

  @Test
  void aWriterOpenedOnADamagedNewestSlotContinuesAfterTheSurvivingOne() throws IOException {
    Path file = CursorFile.path(dir, "sink");
    try (CursorFile.Writer writer = new CursorFile.Writer(file)) {
      writer.write(new CursorFile.State(10, 0), false);
      writer.write(new CursorFile.State(20, 0), false);
    }
    damage(file, CursorFile.newestSlotOffset(file));
    assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(10, 0));
    try (CursorFile.Writer writer = new CursorFile.Writer(file)) {
      writer.write(new CursorFile.State(30, 0), false);
    }
    assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(30, 0));
  }

  @Test
  void bothSlotsDamagedIsReportedNotGuessed() throws IOException {
    Path file = CursorFile.path(dir, "sink");
    try (CursorFile.Writer writer = new CursorFile.Writer(file)) {
      writer.write(new CursorFile.State(1, 0), false);
      writer.write(new CursorFile.State(2, 0), false);
    }
    damage(file, 8);
    damage(file, 4096 + 8);
    assertThatThrownBy(() -> CursorFile.read(file))
        .isInstanceOf(JournalException.class)
        .hasMessageContaining("is damaged");
  }

  @Test
  void aVersionOneFileIsReadAndUpgradedWithoutRiskingItsState() throws IOException {
    Path file = CursorFile.path(dir, "sink");
    Files.write(file, legacy(42, 7));
    assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(42, 7));
    try (CursorFile.Writer writer = new CursorFile.Writer(file)) {
      writer.write(new CursorFile.State(50, 7), false);
      assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(50, 7));
      // The first commit wrote slot 1 and left the version 1 state in slot 0 to fall back on.
      damage(file, CursorFile.newestSlotOffset(file) + 3);
      assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(42, 7));
      writer.write(new CursorFile.State(60, 7), false);
      writer.write(new CursorFile.State(70, 7), false);
      assertThat(CursorFile.read(file)).isEqualTo(new CursorFile.State(70, 7));
    }
  }

  @Test
  void aCursorKeepsItsPositionAcrossJournalRestartsAndDeletion() throws IOException {
    Path journalDir = dir.resolve("journal");
    try (FileJournal journal = FileJournal.open(journalDir)) {
      for (int i = 0; i < 10; i++) {
        journal.append(new byte[] {(byte) i}, i);
      }
      journal.commit();
      journal.cursor("sink", 0).commit(4);
      journal.cursor("sink", 0).commit(7);
    }
    try (FileJournal journal = FileJournal.open(journalDir)) {
      assertThat(journal.cursor("sink", 0).position()).isEqualTo(7);
      journal.cursor("sink", 0).commit(9);
      journal.deleteCursor("sink");
      assertThat(Files.exists(CursorFile.path(journalDir.resolve(FileJournal.CURSORS), "sink")))
          .isFalse();
      assertThat(journal.cursor("sink", 3).position()).isEqualTo(3);
    }
  }

  private static byte[] legacy(long position, long dropped) {
    ByteBuffer out = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(0x434A4C53).putInt(1).putLong(position).putLong(dropped);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, 24);
    out.putInt((int) crc.getValue());
    return out.array();
  }

  private static void damage(Path file, long at) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer one = ByteBuffer.allocate(1);
      channel.read(one, at);
      one.put(0, (byte) (one.get(0) ^ 0x10));
      one.rewind();
      channel.write(one, at);
    }
  }
}
