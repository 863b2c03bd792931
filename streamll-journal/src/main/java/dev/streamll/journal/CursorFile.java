package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * The durable state of one named cursor, stored as {@code cursors/<name>.cursor}.
 *
 * <pre>
 * [u32 magic 0x434A4C53][u32 version = 1][u64 position][u64 dropped][u32 crc32c of the 24 bytes before]
 * </pre>
 *
 * Little-endian, 28 bytes. Written to {@code <name>.cursor.tmp} and renamed over the old file
 * (atomic on POSIX file systems), so a reader of the file sees either the old or the new state,
 * never a mix; the CRC catches anything else (a file zeroed by a power loss).
 */
final class CursorFile {
  static final String SUFFIX = ".cursor";
  private static final int MAGIC = 0x434A4C53;
  private static final int SIZE = 28;

  record State(long position, long dropped) {}

  private CursorFile() {}

  static Path path(Path cursorDirectory, String name) {
    return cursorDirectory.resolve(name + SUFFIX);
  }

  static void write(Path file, State state, boolean force) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(MAGIC).putInt(SegmentWriter.VERSION).putLong(state.position).putLong(state.dropped);
    CRC32C crc = new CRC32C();
    crc.update(out.array(), 0, 24);
    out.putInt((int) crc.getValue()).flip();
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (out.hasRemaining()) {
        channel.write(out);
      }
      if (force) {
        channel.force(false);
      }
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Reads a cursor file.
   *
   * @return the state, or null when the file does not exist
   * @throws JournalException when the file exists but is damaged
   */
  static State read(Path file) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    CRC32C crc = new CRC32C();
    if (bytes.length == SIZE) {
      crc.update(bytes, 0, 24);
    }
    if (bytes.length != SIZE
        || in.getInt(0) != MAGIC
        || in.getInt(4) != SegmentWriter.VERSION
        || in.getInt(24) != (int) crc.getValue()) {
      throw new JournalException(
          "cursor file " + file + " is damaged (" + bytes.length + " bytes, checksum mismatch)");
    }
    return new State(in.getLong(8), in.getLong(16));
  }
}
