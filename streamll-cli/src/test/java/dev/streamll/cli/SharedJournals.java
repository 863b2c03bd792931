package dev.streamll.cli;

import dev.streamll.cli.journal.JournalOpener;
import dev.streamll.journal.Cursor;
import dev.streamll.journal.InMemoryJournal;
import dev.streamll.journal.Journal;
import dev.streamll.journal.JournalException;
import dev.streamll.journal.JournalReader;
import dev.streamll.journal.JournalStats;
import dev.streamll.journal.RecordHandler;
import dev.streamll.journal.Subscription;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * In-memory journals registered under directory paths, opened by the commands as if they were
 * journal directories; the test keeps appending while a command reads. Closing what a command
 * opened leaves the journal open for the test.
 */
final class SharedJournals implements JournalOpener {
  private final Map<Path, InMemoryJournal> journals = new ConcurrentHashMap<>();

  /** A journal the commands find at {@code directory} (created as an empty directory). */
  InMemoryJournal create(Path directory) throws java.io.IOException {
    Files.createDirectories(directory);
    InMemoryJournal journal = InMemoryJournal.create();
    journals.put(directory.toAbsolutePath().normalize(), journal);
    return journal;
  }

  @Override
  public Journal openReadOnly(Path directory) {
    InMemoryJournal journal = journals.get(directory.toAbsolutePath().normalize());
    if (journal == null) {
      throw new JournalException(directory + " is not a StreamLL journal");
    }
    return new View(journal);
  }

  private record View(Journal journal) implements Journal {
    @Override
    public long append(byte[] payload, long timestampMicros) {
      throw new JournalException("read-only");
    }

    @Override
    public void commit() {
      throw new JournalException("read-only");
    }

    @Override
    public long firstSequence() {
      return journal.firstSequence();
    }

    @Override
    public long nextSequence() {
      return journal.nextSequence();
    }

    @Override
    public long durableSequence() {
      return journal.durableSequence();
    }

    @Override
    public boolean awaitDurable(long sequence, Duration timeout) {
      return journal.awaitDurable(sequence, timeout);
    }

    @Override
    public boolean awaitAppend(long sequence, Duration timeout) {
      return journal.awaitAppend(sequence, timeout);
    }

    @Override
    public JournalReader reader(long fromSequence) {
      return journal.reader(fromSequence);
    }

    @Override
    public Cursor cursor(String name, long initialSequence) {
      throw new JournalException("read-only");
    }

    @Override
    public void deleteCursor(String name) {
      throw new JournalException("read-only");
    }

    @Override
    public Subscription subscribe(long fromSequence, RecordHandler handler) {
      return journal.subscribe(fromSequence, handler);
    }

    @Override
    public JournalStats stats() {
      return journal.stats();
    }

    @Override
    public void close() {}
  }
}
