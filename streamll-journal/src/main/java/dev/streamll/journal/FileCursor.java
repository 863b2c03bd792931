package dev.streamll.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A {@link Cursor} of a {@link FileJournal}, persisted in its {@link CursorFile} on every commit
 * (kept open between commits).
 *
 * <p>Locking: the cursor's monitor serialises its writes, deletion and the closing of its file. The
 * journal's monitor, which {@link FileJournal#deleteCursor} and {@link FileJournal#close} hold
 * while they wait for this one, is never taken while this one is held.
 */
final class FileCursor implements Cursor {
  private final FileJournal journal;
  private final String name;
  private final Path file;
  private final CursorFile.Writer writer;
  private volatile long position;
  private volatile long dropped;
  private boolean deleted;

  FileCursor(FileJournal journal, String name, Path file, long position, long dropped) {
    this.journal = journal;
    this.name = name;
    this.file = file;
    this.writer =
        new CursorFile.Writer(file, journal.forcesCursorCreation(), journal::cursorForced);
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
    if (nextSequence <= position) {
      return;
    }
    if (journal.isClosed()) {
      throw journal.closedCursor(name, nextSequence);
    }
    // Before taking this cursor's monitor: a read-only journal takes its own monitor to find its
    // end.
    long limit = journal.nextSequence();
    synchronized (this) {
      long target = Math.min(nextSequence, limit);
      if (deleted || target <= position) {
        return;
      }
      persist(target, dropped);
      position = target;
    }
    journal.cursorMoved();
  }

  /** Moves the cursor past records that {@link FullPolicy#DROP_OLDEST} is deleting. */
  synchronized long dropBefore(long end) {
    if (deleted || position >= end) {
      return 0;
    }
    long lost = end - position;
    persist(end, dropped + lost);
    dropped += lost;
    position = end;
    return lost;
  }

  /** Writes the state under the journal's fsync policy. */
  synchronized void persist(long newPosition, long newDropped) {
    write(newPosition, newDropped, journal.forceCursors());
  }

  /** Writes the state and forces it to the device whatever the fsync policy. */
  synchronized void persistForced(long newPosition, long newDropped) {
    write(newPosition, newDropped, true);
  }

  private void write(long newPosition, long newDropped, boolean force) {
    if (journal.isClosed()) {
      // The journal no longer owns its directory: another process may own this file by now.
      throw journal.closedCursor(name, newPosition);
    }
    try {
      writer.write(new CursorFile.State(newPosition, newDropped), force);
    } catch (IOException e) {
      closeFile();
      throw journal.cursorFailure(name, e);
    }
    if (journal.isClosed()) {
      // Closed while this write ran: close may already have passed this cursor.
      closeFile();
    }
  }

  /**
   * Deletes the cursor's file, after a commit in flight; later commits of this object are ignored,
   * so they can never bring the file back.
   *
   * @throws IOException if the file cannot be deleted (the cursor is then still in place)
   */
  synchronized void delete() throws IOException {
    closeFile();
    Files.deleteIfExists(file);
    deleted = true;
  }

  /**
   * Forces the last commit to the device if the fsync policy did not (under {@link
   * FsyncPolicy#INTERVAL} commits are not forced one by one). A failure is reported and leaves the
   * cursor in place: at worst a power loss takes it back to an older commit, which means
   * duplicates.
   */
  synchronized void forcePending() {
    try {
      writer.forcePending();
    } catch (IOException e) {
      journal.cursorForceFailed(name, e);
    }
  }

  /** Closes the cursor's file. A failed write closes it too, and the next commit opens it again. */
  synchronized void closeFile() {
    try {
      writer.close();
    } catch (IOException e) {
      journal.cursorCloseFailed(name, e);
    }
  }
}
