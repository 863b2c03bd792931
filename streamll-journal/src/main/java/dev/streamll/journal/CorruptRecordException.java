package dev.streamll.journal;

/** A stored record failed validation; the message names the file and position. */
public class CorruptRecordException extends JournalException {
  private static final long serialVersionUID = 1L;

  public CorruptRecordException(String message) {
    super(message);
  }
}
