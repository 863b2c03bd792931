package dev.streamll.cli.journal;

import dev.streamll.event.EventCodec;
import dev.streamll.journal.CorruptRecordException;
import dev.streamll.journal.FileJournal;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalException;
import dev.streamll.journal.JournalReader;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.source.EventSource;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Reads a journal as an {@link EventSource}: every committed record from a start sequence on, and
 * with {@code follow} every record committed later, also by a writer in another process. The
 * journal is only read: no cursor is created, so reading never holds back the writer's retention.
 */
public final class JournalEventSource implements EventSource {
  // Bounds how long close() or an interrupt waits; the journal wakes the reader on each commit.
  private static final Duration FOLLOW_WAIT = Duration.ofMillis(200);
  private static final int BATCH = 256;

  /**
   * How far out of time order events may be appended and still be found by {@link #skipOlderThan}.
   */
  public static final Duration SEEK_MARGIN = Duration.ofMinutes(1);

  private final String name;
  private final Journal journal;
  private final EventCodec codec;
  private volatile long startSequence;
  private volatile boolean closed;

  /** Reads {@code journal}, named {@code name} in messages; closing the source closes it. */
  public JournalEventSource(String name, Journal journal, EventCodec codec) {
    this.name = name;
    this.journal = journal;
    this.codec = codec;
    this.startSequence = journal.firstSequence();
  }

  /**
   * Opens the journal in {@code directory} read-only. This takes no lock, so it works while the
   * application that writes the journal is running.
   *
   * @throws SinkException when {@code directory} does not exist or is a file, saying what to do
   * @throws dev.streamll.journal.JournalException when it is not a journal or cannot be read
   */
  public static JournalEventSource open(Path directory) {
    if (!Files.exists(directory)) {
      throw new SinkException(
          "no journal at "
              + directory
              + " — run ./streamll demo to create one, or pass the journal directory as SOURCE");
    }
    if (!Files.isDirectory(directory)) {
      throw new SinkException(
          directory + " is a file, not a journal: pass the journal's directory");
    }
    return new JournalEventSource(
        "journal:" + directory, FileJournal.openReadOnly(directory), new EventCodec());
  }

  @Override
  public String name() {
    return name;
  }

  /** Starts the next {@link #read} at {@code sequence} instead of the first retained record. */
  public void startAt(long sequence) {
    this.startSequence = sequence;
  }

  /**
   * Moves the start of the next {@link #read} forward, never back, past records the journal's time
   * index shows to be older than {@code time} minus {@link #SEEK_MARGIN}, so that {@code --since}
   * on a large journal does not read it all. The caller still filters by time: this only skips what
   * it would have dropped. Records are in append order and their timestamps are the events' own,
   * which several threads set a little before appending; the margin covers that disorder. An event
   * stamped more than the margin earlier than records appended before it may be skipped.
   */
  public void skipOlderThan(Instant time) {
    if (journal instanceof FileJournal file) {
      Instant bound = time.minus(SEEK_MARGIN);
      long micros = bound.getEpochSecond() * 1_000_000L + bound.getNano() / 1_000;
      startSequence = Math.max(startSequence, file.sequenceAtOrAfter(micros));
    }
  }

  /** Where the next {@link #read} starts. */
  public long startSequence() {
    return startSequence;
  }

  /** The lowest sequence still retained. */
  public long firstSequence() {
    return journal.firstSequence();
  }

  /** One past the last committed sequence. */
  public long nextSequence() {
    return journal.nextSequence();
  }

  @Override
  public void read(boolean follow, EventHandler handler) {
    boolean[] stop = {false};
    try (JournalReader reader = journal.reader(startSequence)) {
      while (!stop[0] && !closed && !Thread.currentThread().isInterrupted()) {
        int read =
            reader.read(
                BATCH,
                (sequence, timestampMicros, payload) -> {
                  if (!stop[0] && !handler.onEvent(event(sequence, payload))) {
                    stop[0] = true;
                  }
                });
        if (read == 0) {
          if (!follow) {
            return;
          }
          reader.await(FOLLOW_WAIT);
        }
      }
    } catch (CorruptRecordException e) {
      throw new SinkException(name + " has a damaged record: " + e.getMessage(), e);
    } catch (JournalException e) {
      throw new SinkException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  private EncodedEvent event(long sequence, ByteBuffer payload) {
    byte[] json = new byte[payload.remaining()];
    payload.get(json);
    return new EncodedEvent(sequence, json, codec);
  }

  @Override
  public void close() {
    closed = true;
    journal.close();
  }
}
