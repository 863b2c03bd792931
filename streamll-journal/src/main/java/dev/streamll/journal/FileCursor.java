package dev.streamll.journal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link Cursor} of a {@link FileJournal}, persisted in its {@link CursorFile} on every commit
 * (kept open between commits).
 */
final class FileCursor implements Cursor {
  private final FileJournal journal;
  private final String name;
  private final CursorFile.Writer writer;
  private volatile long position;
  private volatile long dropped;

  FileCursor(FileJournal journal, String name, Path file, long position, long dropped) {
    this.journal = journal;
    this.name = name;
    this.writer = new CursorFile.Writer(file);
    this.position = position;
    this.dropped = dropped;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public long dropped() {
    return dropped;
  }

  @Override
  public void commit(long nextSequence) {
    synchronized (this) {
      long target = Math.min(nextSequence, journal.nextSequence());
      if (target <= position) {
        return;
      }
      persist(target, dropped);
      position = target;
    }
    journal.cursorMoved();
  }

  /** Moves the cursor past records that {@link FullPolicy#DROP_OLDEST} is deleting. */
  synchronized long dropBefore(long end) {
    if (position >= end) {
      return 0;
    }
    long lost = end - position;
    persist(end, dropped + lost);
    dropped += lost;
    position = end;
    return lost;
  }

  synchronized void persist(long newPosition, long newDropped) {
    try {
      writer.write(new CursorFile.State(newPosition, newDropped), journal.forceCursors());
      if (journal.isClosed()) {
        closeFile();
      }
    } catch (IOException e) {
      closeFile();
      throw journal.cursorFailure(name, e);
    }
  }

  /**
   * Closes the cursor's file; a later commit opens it again (a forwarder may still confirm a batch
   * while the journal closes).
   */
  synchronized void closeFile() {
    try {
      writer.close();
    } catch (IOException e) {
      journal.cursorCloseFailed(name, e);
    }
  }
}
