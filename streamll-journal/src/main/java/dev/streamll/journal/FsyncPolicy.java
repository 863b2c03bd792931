package dev.streamll.journal;

/**
 * When appended records are forced to the storage device. Every committed record survives a process
 * crash (it is in the page cache); only forced records survive a power loss.
 */
public enum FsyncPolicy {
  /** Never force; the operating system writes back when it chooses. */
  NONE,
  /** Force on a timer (default every second) from a background thread. */
  INTERVAL,
  /** Force on every {@link Journal#commit()}; one force covers the whole batch (group commit). */
  EVERY_BATCH
}
