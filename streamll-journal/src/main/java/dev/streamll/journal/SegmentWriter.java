package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Appends records to the active segment file. This class defines the on-disk format of segments.
 *
 * <h2>Segment file {@code <base>.seg}</h2>
 *
 * The name is the sequence of the segment's first record, zero-padded to 20 digits, so a directory
 * listing sorts segments in log order. All integers are little-endian.
 *
 * <pre>
 * header (16 bytes):  [u32 magic 0x534C4A53 "SJLS"][u32 format version = 1][u64 base sequence]
 * record (24 + n):    [u32 length n][u32 crc32c][u64 sequence][i64 timestamp µs][n payload bytes]
 * </pre>
 *
 * The CRC32C ({@link CRC32C}, hardware accelerated) covers sequence, timestamp and payload, so a
 * record read back is proven to be the record written at that sequence. Records follow each other
 * without padding; sequence numbers within a segment are consecutive starting at the base. A record
 * never spans two segments: when it does not fit, the segment is sealed and a new one starts whose
 * base is the record's sequence. A sealed segment ends exactly after its last record (the file
 * length is the data length); the active segment may end in a torn record after a crash, which
 * recovery cuts off.
 *
 * <p>Records are staged in a reusable direct buffer and written with one positional write per
 * {@link #flush()} (the writer's commit), so appending costs a copy and a CRC, and the journal sees
 * an I/O error (disk full) as an exception at a point where it can stop cleanly, rather than as a
 * fault in a memory-mapped page.
 */
final class SegmentWriter implements AutoCloseable {
  static final int MAGIC = 0x534C4A53;
  static final int VERSION = 1;
  static final int SEGMENT_HEADER = 16;
  static final int RECORD_HEADER = 24;
  static final int INDEX_INTERVAL = 4096;

  private static final int BUFFER_BYTES = 256 * 1024;

  private final Segment segment;
  private final FileChannel channel;
  private final ByteBuffer buffer;
  private final ByteBuffer crcView;
  private final CRC32C crc = new CRC32C();
  private final long capacity;
  private long flushedPosition;
  private long position;
  private long nextSequence;
  private long lastIndexed = -INDEX_INTERVAL;

  private SegmentWriter(Segment segment, FileChannel channel, long position, long capacity) {
    this.segment = segment;
    this.channel = channel;
    this.capacity = capacity;
    this.flushedPosition = position;
    this.position = position;
    this.nextSequence = segment.base() + segment.index().recordCount();
    this.buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    this.crcView = buffer.duplicate();
    if (segment.index().size() > 0) {
      lastIndexed = segment.index().lastPosition();
    }
  }

  /**
   * Creates a new, empty segment file with its header. The header is written to a temporary file
   * that is then renamed, so a reader in another process never sees a segment without its header.
   */
  static SegmentWriter create(Segment segment, long capacity) throws IOException {
    Path temp = segment.path().resolveSibling(segment.path().getFileName() + ".tmp");
    FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.READ,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING);
    try {
      ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER).order(ByteOrder.LITTLE_ENDIAN);
      header.putInt(MAGIC).putInt(VERSION).putLong(segment.base()).flip();
      while (header.hasRemaining()) {
        channel.write(header, header.position());
      }
      Files.move(temp, segment.path(), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      channel.close();
      Files.deleteIfExists(temp);
      throw e;
    }
    return new SegmentWriter(segment, channel, SEGMENT_HEADER, capacity);
  }

  /**
   * Continues an existing segment whose valid data ends at {@code validEnd} (recovery already cut
   * anything after it and filled the segment's index).
   */
  static SegmentWriter resume(Segment segment, long validEnd, long capacity) throws IOException {
    FileChannel channel =
        FileChannel.open(segment.path(), StandardOpenOption.READ, StandardOpenOption.WRITE);
    return new SegmentWriter(segment, channel, validEnd, capacity);
  }

  Segment segment() {
    return segment;
  }

  /** Bytes of the file including staged records. */
  long position() {
    return position;
  }

  long flushedPosition() {
    return flushedPosition;
  }

  long nextSequence() {
    return nextSequence;
  }

  boolean isEmpty() {
    return position == SEGMENT_HEADER;
  }

  /** Whether a record with this payload size still fits in this segment. */
  boolean fits(int payloadLength) {
    return position + RECORD_HEADER + payloadLength <= capacity;
  }

  /** Stages one record; the caller checked {@link #fits}. Returns its sequence. */
  long append(byte[] payload, long timestampMicros) throws IOException {
    int size = RECORD_HEADER + payload.length;
    long sequence = nextSequence;
    if (size > buffer.capacity()) {
      flush();
      ByteBuffer record = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
      record.putInt(payload.length).putInt(0).putLong(sequence).putLong(timestampMicros);
      record.put(payload);
      crc.reset();
      crc.update(record.array(), 8, size - 8);
      record.putInt(4, (int) crc.getValue());
      record.flip();
      while (record.hasRemaining()) {
        flushedPosition += channel.write(record, flushedPosition);
      }
    } else {
      if (buffer.remaining() < size) {
        flush();
      }
      int at = buffer.position();
      buffer.putInt(at, payload.length);
      buffer.putLong(at + 8, sequence);
      buffer.putLong(at + 16, timestampMicros);
      buffer.put(at + RECORD_HEADER, payload);
      crcView.limit(at + size).position(at + 8);
      crc.reset();
      crc.update(crcView);
      buffer.putInt(at + 4, (int) crc.getValue());
      buffer.position(at + size);
    }
    if (position - lastIndexed >= INDEX_INTERVAL) {
      segment.index().add(sequence, timestampMicros, position);
      lastIndexed = position;
    }
    segment.index().countRecord();
    position += size;
    nextSequence = sequence + 1;
    return sequence;
  }

  /** Writes staged records to the file (the page cache): after this they survive a crash. */
  void flush() throws IOException {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        flushedPosition += channel.write(buffer, flushedPosition);
      }
    } finally {
      buffer.clear();
    }
  }

  void force() throws IOException {
    channel.force(false);
  }

  /** Cuts the file back to {@code length} after a failed write, so no half record remains. */
  void truncate(long length) throws IOException {
    channel.truncate(length);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  static Path pathFor(Path directory, long base) {
    return directory.resolve(String.format("%020d.seg", base));
  }
}
