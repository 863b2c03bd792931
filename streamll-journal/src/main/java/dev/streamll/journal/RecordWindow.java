package dev.streamll.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Reads and validates records of one segment through a reusable direct buffer, refilled with
 * positional reads. Validation checks length bounds, the expected sequence and the CRC32C, so a
 * record handed out is exactly the record written (see {@link SegmentWriter} for the format).
 */
final class RecordWindow {
  /** Results of {@link #check}: negative values are failures. */
  static final int SHORT = -1;

  static final int BAD_LENGTH = -2;
  static final int BAD_SEQUENCE = -3;
  static final int BAD_CRC = -4;

  private final CRC32C crc = new CRC32C();
  private final long maxPayload;
  private FileChannel channel;
  private ByteBuffer buffer;
  private ByteBuffer view;
  private long windowStart;
  private long timestamp;
  private int payloadOffset;
  private int payloadLength;

  RecordWindow(int capacity, long maxPayload) {
    this.maxPayload = maxPayload;
    allocate(capacity);
  }

  private void allocate(int capacity) {
    buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
    buffer.limit(0);
    view = buffer.duplicate();
  }

  void attach(FileChannel newChannel) {
    channel = newChannel;
    invalidate();
  }

  /** Forgets buffered bytes, so the next check reads the file again (it may have grown). */
  void invalidate() {
    buffer.limit(0);
    windowStart = 0;
  }

  private boolean ensure(long filePosition, int length) throws IOException {
    long offset = filePosition - windowStart;
    if (offset >= 0 && offset + length <= buffer.limit()) {
      return true;
    }
    if (length > buffer.capacity()) {
      allocate(Integer.highestOneBit(length - 1) << 1);
    }
    buffer.clear();
    windowStart = filePosition;
    while (buffer.position() < length) {
      int read = channel.read(buffer, windowStart + buffer.position());
      if (read <= 0) {
        break;
      }
    }
    buffer.flip();
    return buffer.limit() >= length;
  }

  /**
   * Validates the record at {@code filePosition}, which must carry {@code expectedSequence}.
   *
   * @return its total size in bytes, or a negative failure code
   */
  int check(long filePosition, long expectedSequence) throws IOException {
    if (!ensure(filePosition, SegmentWriter.RECORD_HEADER)) {
      return SHORT;
    }
    int at = (int) (filePosition - windowStart);
    long length = Integer.toUnsignedLong(buffer.getInt(at));
    if (length > maxPayload) {
      return BAD_LENGTH;
    }
    int size = SegmentWriter.RECORD_HEADER + (int) length;
    if (!ensure(filePosition, size)) {
      return SHORT;
    }
    at = (int) (filePosition - windowStart);
    if (buffer.getLong(at + 8) != expectedSequence) {
      return BAD_SEQUENCE;
    }
    view.limit(at + size).position(at + 8);
    crc.reset();
    crc.update(view);
    if ((int) crc.getValue() != buffer.getInt(at + 4)) {
      return BAD_CRC;
    }
    timestamp = buffer.getLong(at + 16);
    payloadOffset = at + SegmentWriter.RECORD_HEADER;
    payloadLength = (int) length;
    return size;
  }

  /** Timestamp of the record last accepted by {@link #check}. */
  long timestamp() {
    return timestamp;
  }

  /** Payload of the record last accepted by {@link #check}, valid until the next check. */
  ByteBuffer payload() {
    view.limit(payloadOffset + payloadLength).position(payloadOffset);
    return view;
  }

  static String describe(int failure) {
    switch (failure) {
      case SHORT:
        return "the file ends inside the record";
      case BAD_LENGTH:
        return "the length field is out of range";
      case BAD_SEQUENCE:
        return "the sequence field does not match";
      case BAD_CRC:
        return "the CRC32C does not match";
      default:
        return "unknown failure " + failure;
    }
  }
}
