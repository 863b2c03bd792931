package dev.streamll.emit;

/** What {@code emit} does when the ring between application threads and the writer is full. */
public enum OverflowPolicy {
  /** Drop the new event and count it; the caller never waits (default). */
  DROP,
  /** Wait up to the configured timeout for space, then drop and count. */
  BLOCK
}
