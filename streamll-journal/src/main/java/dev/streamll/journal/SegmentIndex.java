package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The sparse index of one segment: one entry about every {@value SegmentWriter#INDEX_INTERVAL}
 * bytes, mapping a sequence and its timestamp to the record's file position. It only speeds up
 * seeking; the segment data stays the truth, and a missing or damaged index is rebuilt from it.
 *
 * <h2>Index file {@code <base>.idx}</h2>
 *
 * Written when a segment is sealed. Little-endian:
 *
 * <pre>
 * header (16 bytes): [u32 magic 0x494A4C53][u32 version = 1][u64 base sequence]
 * entry (24 bytes):  [u64 sequence][i64 timestamp µs][u32 file position][u32 crc32c of the 20 bytes before]
 * </pre>
 *
 * Entries must be strictly increasing in sequence and position; the first entry with a bad CRC or
 * order rejects the whole file, which is then rebuilt.
 *
 * <p>Thread-safety: the writer adds entries while readers search them, so access is synchronized;
 * it is touched once per 4 KiB of data, not per record.
 */
final class SegmentIndex {
  static final int MAGIC = 0x494A4C53;
  private static final int HEADER = 16;
  private static final int ENTRY = 24;

  private long[] sequences = new long[64];
  private long[] timestamps = new long[64];
  private long[] positions = new long[64];
  private int size;
  // Written by the writer thread or by recovery before the segment is shared; never read by
  // readers.
  private long recordCount;

  synchronized void add(long sequence, long timestampMicros, long position) {
    if (size == sequences.length) {
      sequences = Arrays.copyOf(sequences, size * 2);
      timestamps = Arrays.copyOf(timestamps, size * 2);
      positions = Arrays.copyOf(positions, size * 2);
    }
    sequences[size] = sequence;
    timestamps[size] = timestampMicros;
    positions[size] = position;
    size++;
  }

  void countRecord() {
    recordCount++;
  }

  void recordCount(long count) {
    recordCount = count;
  }

  long recordCount() {
    return recordCount;
  }

  synchronized int size() {
    return size;
  }

  synchronized long lastPosition() {
    return positions[size - 1];
  }

  /**
   * The entry at or before {@code sequence}: {@code [sequence, position]}, or null when the index
   * has no entry that early (scan from the segment header).
   */
  synchronized long[] floorBySequence(long sequence) {
    int low = 0;
    int high = size - 1;
    int found = -1;
    while (low <= high) {
      int mid = (low + high) >>> 1;
      if (sequences[mid] <= sequence) {
        found = mid;
        low = mid + 1;
      } else {
        high = mid - 1;
      }
    }
    return found < 0 ? null : new long[] {sequences[found], positions[found]};
  }

  /**
   * The last entry whose timestamp is before {@code timestampMicros}: scanning from it finds the
   * first record at or after that time (timestamps are assumed to grow with the sequence).
   */
  synchronized long[] floorByTimestamp(long timestampMicros) {
    int found = -1;
    for (int i = 0; i < size && timestamps[i] < timestampMicros; i++) {
      found = i;
    }
    return found < 0 ? null : new long[] {sequences[found], positions[found]};
  }

  synchronized long firstTimestamp() {
    return size == 0 ? Long.MAX_VALUE : timestamps[0];
  }

  void write(Path path, long base) throws IOException {
    ByteBuffer out;
    synchronized (this) {
      out = ByteBuffer.allocate(HEADER + size * ENTRY).order(ByteOrder.LITTLE_ENDIAN);
      out.putInt(MAGIC).putInt(SegmentWriter.VERSION).putLong(base);
      CRC32C crc = new CRC32C();
      for (int i = 0; i < size; i++) {
        int at = out.position();
        out.putLong(sequences[i]).putLong(timestamps[i]).putInt((int) positions[i]);
        crc.reset();
        crc.update(out.array(), at, 20);
        out.putInt((int) crc.getValue());
      }
    }
    out.flip();
    try (FileChannel channel =
        FileChannel.open(
            path,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      while (out.hasRemaining()) {
        channel.write(out);
      }
    }
  }

  /**
   * Loads an index file, or returns null when it is missing or fails validation against the
   * segment's base and length.
   */
  static SegmentIndex read(Path path, long base, long segmentLength) throws IOException {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(path);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (bytes.length < HEADER || (bytes.length - HEADER) % ENTRY != 0) {
      return null;
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (in.getInt() != MAGIC || in.getInt() != SegmentWriter.VERSION || in.getLong() != base) {
      return null;
    }
    SegmentIndex index = new SegmentIndex();
    CRC32C crc = new CRC32C();
    long lastSequence = base - 1;
    long lastPosition = SegmentWriter.SEGMENT_HEADER - 1;
    while (in.hasRemaining()) {
      int at = in.position();
      long sequence = in.getLong();
      long timestamp = in.getLong();
      long position = Integer.toUnsignedLong(in.getInt());
      int stored = in.getInt();
      crc.reset();
      crc.update(bytes, at, 20);
      if (stored != (int) crc.getValue()
          || sequence <= lastSequence
          || position <= lastPosition
          || position >= segmentLength) {
        return null;
      }
      index.add(sequence, timestamp, position);
      lastSequence = sequence;
      lastPosition = position;
    }
    return index;
  }
}
