package dev.streamll.cli.journal;

import dev.streamll.journal.Journal;
import dev.streamll.sink.SinkException;
import java.nio.file.Path;

/** Opens a journal directory for reading, alongside a writer that may still be running. */
@FunctionalInterface
public interface JournalOpener {

  /**
   * Opens {@code directory} read-only.
   *
   * @throws SinkException or {@link dev.streamll.journal.JournalException} when it cannot be read,
   *     saying why
   */
  Journal openReadOnly(Path directory);

  /** The file journal on disk, as written by applications and the demo. */
  static JournalOpener fileJournals() {
    return directory -> {
      throw new SinkException(
          "cannot read "
              + directory
              + ": this build has no file journal yet (streamll-journal provides only the"
              + " in-memory journal)");
    };
  }
}
