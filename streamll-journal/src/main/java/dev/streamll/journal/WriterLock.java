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
import java.util.function.Function;

/**
 * An exclusive OS file lock that one process holds: {@code writer.lock} makes a process the
 * journal's only writer, {@code readers/<name>.lock} makes one read-only process the owner of a
 * reader cursor. The file holds the holder's PID as text ({@code pid=<n> started=<instant>}) so a
 * second process can say who is in the way. The OS releases the lock when the process dies, so a
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
    return acquire(
        directory.resolve(FILE),
        "journal "
            + directory
            + " is already open for writing in this process (pid "
            + ProcessHandle.current().pid()
            + "); share that FileJournal instance or open this one with openReadOnly",
        holder ->
            "journal "
                + directory
                + " is already open for writing by another process ("
                + holder
                + "); only one writer per directory is allowed. Stop that process, point this one"
                + " at another directory, or open it with FileJournal.openReadOnly to read");
  }

  /**
   * Takes the lock on {@code file} or throws a {@link JournalException} with {@code inThisProcess}
   * or {@code inAnotherProcess} applied to the holder's text.
   */
  static WriterLock acquire(
      Path file, String inThisProcess, Function<String, String> inAnotherProcess)
      throws IOException {
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      channel.close();
      throw new JournalException(inThisProcess);
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new JournalException(inAnotherProcess.apply(holder(file)));
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
