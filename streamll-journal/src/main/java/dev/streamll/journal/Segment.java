package dev.streamll.journal;

import java.nio.file.Path;

/**
 * One segment file as the journal knows it. {@link #endSequence()} is {@link Long#MAX_VALUE} while
 * the segment is active and becomes the next segment's base once it is sealed; it is published
 * before the records after it are committed, so a reader that saw the commit sees the seal.
 */
final class Segment {
  private final long base;
  private final Path path;
  private volatile long endSequence = Long.MAX_VALUE;
  private volatile long length;
  private volatile SegmentIndex index;

  Segment(long base, Path path, SegmentIndex index) {
    this.base = base;
    this.path = path;
    this.index = index;
  }

  long base() {
    return base;
  }

  Path path() {
    return path;
  }

  Path indexPath() {
    String name = path.getFileName().toString();
    return path.resolveSibling(name.substring(0, name.length() - 4) + ".idx");
  }

  long endSequence() {
    return endSequence;
  }

  boolean sealed() {
    return endSequence != Long.MAX_VALUE;
  }

  /** Marks the segment complete: it holds sequences below {@code end} in {@code bytes} bytes. */
  void seal(long end, long bytes) {
    length = bytes;
    endSequence = end;
  }

  /** File length of a sealed segment. */
  long length() {
    return length;
  }

  /** The index, or null when it has not been loaded or rebuilt yet. */
  SegmentIndex index() {
    return index;
  }

  void index(SegmentIndex loaded) {
    index = loaded;
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
