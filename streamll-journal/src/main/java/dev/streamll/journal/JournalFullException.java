package dev.streamll.journal;

/** The size limit was reached under {@link FullPolicy#BLOCK} and no cursor moved in time. */
public class JournalFullException extends JournalException {
  private static final long serialVersionUID = 1L;

  public JournalFullException(String message) {
    super(message);
  }
}
