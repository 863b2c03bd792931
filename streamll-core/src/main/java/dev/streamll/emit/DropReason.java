package dev.streamll.emit;

/** Why an emitted event was not written to the journal. */
public enum DropReason {
  /**
   * The ring was full under {@link OverflowPolicy#DROP} (or stayed full past the BLOCK timeout).
   */
  RING_FULL,
  /** The instance was closed (or being closed) when the event was emitted. */
  CLOSED,
  /** The journal was full under its BLOCK policy and no cursor moved in time. */
  JOURNAL_FULL,
  /** The journal failed (I/O error, disk full) and stopped accepting. */
  JOURNAL_ERROR;

  /** The lower-case name used in health output. */
  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
