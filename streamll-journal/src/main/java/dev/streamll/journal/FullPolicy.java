package dev.streamll.journal;

/** What an append does when the journal has reached its size limit and a cursor holds it back. */
public enum FullPolicy {
  /** Wait (up to a timeout) for cursors to move so retention can free space, then fail. */
  BLOCK,
  /**
   * Delete the oldest records anyway, advancing every lagging cursor past them; the lost records
   * are counted per cursor and logged as a warning naming it.
   */
  DROP_OLDEST
}
