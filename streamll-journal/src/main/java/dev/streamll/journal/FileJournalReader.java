package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Reads a {@link FileJournal} segment by segment with its own file channel, so the writer and any
 * number of readers never share a file position, and a segment deleted by retention stays readable
 * for a reader that already opened it.
 *
 * <p>In the writer's process, everything below the committed end must be valid, so any damaged
 * record there is reported as corrupt. In a read-only process, an invalid record at the end of the
 * newest segment only means the writer has not finished writing it yet; once a newer segment
 * exists, the older one is complete and damage in it is reported.
 */
final class FileJournalReader implements JournalReader {
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  private final FileJournal journal;
  private final RecordWindow window;
  private Segment segment;
  private FileChannel channel;
  private long filePosition;
  private int lastSize;
  private long fileSequence;
  private long position;
  private long skipped;

  FileJournalReader(FileJournal journal, long fromSequence, long maxPayload) {
    this.journal = journal;
    this.window = new RecordWindow(64 * 1024, maxPayload);
    this.position = Math.max(0, fromSequence);
  }

  @Override
  public long position() {
    return position;
  }

  @Override
  public void seek(long sequence) {
    position = Math.max(0, sequence);
    if (segment != null && (position < fileSequence || position >= segment.endSequence())) {
      detach();
    }
  }

  @Override
  public long skipped() {
    return skipped;
  }

  @Override
  public int read(int maxRecords, RecordHandler handler) {
    int count = 0;
    try {
      while (count < maxRecords && position < journal.readLimit() && next()) {
        handler.onRecord(position, window.timestamp(), window.payload());
        position++;
        advance();
        count++;
      }
    } catch (IOException e) {
      throw new JournalException("cannot read journal segment " + segment + ": " + e, e);
    }
    return count;
  }

  private void advance() {
    filePosition += lastSize;
    fileSequence++;
  }

  /**
   * Positions the window on the record at {@link #position}, skipping records before it.
   *
   * @return false when that record is not available (yet)
   */
  private boolean next() throws IOException {
    while (true) {
      if (segment != null && fileSequence >= segment.endSequence()) {
        detach();
      }
      if (segment == null && !attach()) {
        return false;
      }
      int size = window.check(filePosition, fileSequence);
      if (size < 0) {
        if (!invalid(size)) {
          return false;
        }
        continue;
      }
      lastSize = size;
      if (fileSequence == position) {
        return true;
      }
      advance();
    }
  }

  /** Opens the segment holding {@link #position}; false when none is there yet. */
  private boolean attach() throws IOException {
    while (true) {
      long first = journal.firstSequence();
      if (position < first) {
        skipped += first - position;
        position = first;
      }
      Segment found = journal.segmentFor(position);
      if (found == null) {
        return false;
      }
      FileChannel opened;
      try {
        opened = FileChannel.open(found.path(), StandardOpenOption.READ);
      } catch (NoSuchFileException e) {
        // Retention deleted it between lookup and open; the next lookup sees the new first one.
        journal.refreshSegments();
        continue;
      }
      try {
        checkHeader(found, opened);
        long[] entry = journal.indexOf(found).floorBySequence(position);
        channel = opened;
        segment = found;
        window.attach(opened);
        filePosition = entry == null ? SegmentWriter.SEGMENT_HEADER : entry[1];
        fileSequence = entry == null ? found.base() : entry[0];
        return true;
      } catch (IOException | RuntimeException e) {
        opened.close();
        throw e;
      }
    }
  }

  private static void checkHeader(Segment found, FileChannel opened) throws IOException {
    ByteBuffer header =
        ByteBuffer.allocate(SegmentWriter.SEGMENT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
    while (header.hasRemaining()) {
      if (opened.read(header, header.position()) <= 0) {
        break;
      }
    }
    if (header.hasRemaining()
        || header.getInt(0) != SegmentWriter.MAGIC
        || header.getInt(4) != SegmentWriter.VERSION
        || header.getLong(8) != found.base()) {
      throw new CorruptRecordException(
          "segment "
              + found.path()
              + " has a damaged header at byte 0 (expected base sequence "
              + found.base()
              + "); the reader stops here");
    }
  }

  /**
   * Handles a record that failed validation.
   *
   * @return true to retry (the segment turned out complete or the record became valid), false when
   *     the record is simply not written yet
   */
  private boolean invalid(int failure) throws IOException {
    if (!journal.isReadOnly()) {
      if (fileSequence < journal.readLimit()) {
        throw corrupt(failure);
      }
      return false;
    }
    journal.refreshSegments();
    if (!segment.sealed()) {
      window.invalidate();
      return false;
    }
    if (fileSequence >= segment.endSequence()) {
      return true;
    }
    window.invalidate();
    int again = window.check(filePosition, fileSequence);
    if (again < 0) {
      throw corrupt(again);
    }
    return true;
  }

  private CorruptRecordException corrupt(int failure) {
    String after =
        segment.sealed()
            ? " Records from sequence "
                + segment.endSequence()
                + " on (the next segment) are"
                + " readable with seek("
                + segment.endSequence()
                + ")."
            : "";
    return new CorruptRecordException(
        "damaged record in journal segment "
            + segment.path()
            + " at byte "
            + filePosition
            + " (sequence "
            + fileSequence
            + "): "
            + RecordWindow.describe(failure)
            + ". Records before it are intact; the reader stops here."
            + after);
  }

  @Override
  public boolean await(Duration timeout) {
    if (!journal.isReadOnly()) {
      return journal.awaitCommitted(position + 1, timeout.toNanos());
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        if (next()) {
          return true;
        }
      } catch (IOException e) {
        throw new JournalException("cannot read journal segment " + segment + ": " + e, e);
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || journal.isClosed() || Thread.currentThread().isInterrupted()) {
        return false;
      }
      // Another process writes this journal; no in-process signal exists, so poll the tail.
      LockSupport.parkNanos(this, Math.min(remaining, POLL_NANOS));
    }
  }

  private void detach() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        throw new JournalException("cannot close journal segment " + segment + ": " + e, e);
      } finally {
        channel = null;
        segment = null;
      }
    }
  }

  @Override
  public void close() {
    detach();
  }
}
