package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * The exclusive lock that makes one process the journal's only writer: an OS file lock on {@code
 * writer.lock}, which also holds the holder's PID as text ({@code pid=<n> started=<instant>}) so a
 * second writer can say who is in the way. The OS releases the lock when the process dies, so a
 * {@code kill -9} never leaves a stale lock behind.
 */
final class WriterLock implements AutoCloseable {
  static final String FILE = "writer.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private WriterLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static WriterLock acquire(Path directory) throws IOException {
    Path file = directory.resolve(FILE);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new JournalException(
          "journal "
              + directory
              + " is already open for writing in this process (pid "
              + ProcessHandle.current().pid()
              + "); share that FileJournal instance or open this one with openReadOnly");
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new JournalException(
          "journal "
              + directory
              + " is already open for writing by another process ("
              + holder(file)
              + "); only one writer per directory is allowed. Stop that process, point this one"
              + " at another directory, or open it with FileJournal.openReadOnly to read");
    }
    byte[] text =
        ("pid=" + ProcessHandle.current().pid() + " started=" + Instant.now() + "\n")
            .getBytes(StandardCharsets.UTF_8);
    channel.truncate(0);
    channel.write(ByteBuffer.wrap(text), 0);
    return new WriterLock(channel, lock);
  }

  static String holder(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? "holder unknown" : text;
    } catch (IOException e) {
      return "holder unknown: " + e.getMessage();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      channel.close();
    }
  }
}
