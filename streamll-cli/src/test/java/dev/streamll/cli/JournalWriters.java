package dev.streamll.cli;

import dev.streamll.journal.FileJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * File journals a test writes while the commands read them, as an application would: the writer
 * holds the journal's lock the whole time, so every command also proves it reads a journal in use.
 */
final class JournalWriters implements AutoCloseable {
  private final List<FileJournal> open = new ArrayList<>();

  FileJournal open(Path directory) {
    FileJournal journal = FileJournal.open(directory);
    open.add(journal);
    return journal;
  }

  @Override
  public void close() {
    open.forEach(FileJournal::close);
  }
}
