package dev.streamll.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * A growable UTF-8 JSON output buffer writing exactly the bytes Jackson's default {@code
 * UTF8JsonGenerator} writes for strings, names and the number types {@link EventCodec} writes
 * itself. Not thread-safe: {@link EventCodec} lends one instance to one encode at a time.
 *
 * <p>Jackson's string escaping, which this reproduces: {@code \" \\ \b \f \n \r \t}; every other
 * char below 0x20 as {@code \\u00XX}; every surrogate, paired or not, as its own {@code \\uXXXX}
 * (Jackson does not combine pairs into 4-byte UTF-8 unless {@code
 * COMBINE_UNICODE_SURROGATES_IN_UTF8} is enabled, which it is not); hex digits upper case;
 * everything else, including 0x7F and U+2028, as raw UTF-8.
 */
final class JsonBytes {
  // Buffers grown beyond this by a large event are not kept for the next one.
  private static final int MAX_KEPT_CAPACITY = 64 * 1024;
  private static final int INITIAL_CAPACITY = 1024;
  // Strings are escaped in segments so that a huge string needs at most 6 bytes per char of one
  // segment in reserve, not of the whole string.
  private static final int SEGMENT_CHARS = 2048;

  // Below this many chars a string is escaped char by char; from it on, its UTF-8 bytes are made
  // by the JDK's intrinsic encoder and copied in bulk up to the first byte that needs attention.
  private static final int BULK_MIN_CHARS = 24;

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] MIN_LONG = ascii(Long.toString(Long.MIN_VALUE));

  // For chars below 0x80: 0 = written as is, -1 = \\u00XX, otherwise the letter after '\\'.
  private static final int[] ESCAPES = new int[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\f'] = 'f';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
  }

  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int pos;
  // Events come many to a second: the date and time part of the last timestamp is kept, so that
  // most timestamps cost a copy and six digits.
  private long cachedSecond = -1;
  private final byte[] cachedSecondText = new byte[EventCodec.SECOND_LENGTH];

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  void reset() {
    pos = 0;
  }

  /** Whether this buffer is small enough to keep for the next event. */
  boolean keepable() {
    return buf.length <= MAX_KEPT_CAPACITY;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int more) {
    if (buf.length - pos < more) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  void raw(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  void raw(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  void writeNull() {
    raw(NULL);
  }

  void bool(boolean value) {
    raw(value ? TRUE : FALSE);
  }

  /** A string value, or {@code null} for a null string as Jackson's {@code writeString} does. */
  void string(String s) {
    if (s == null) {
      writeNull();
      return;
    }
    quoted(s);
  }

  /** A field name and its colon; a null name throws, as it does in Jackson. */
  void name(String s) {
    quoted(s);
    raw((byte) ':');
  }

  private void quoted(String s) {
    int length = s.length();
    if (length <= SEGMENT_CHARS) {
      ensure(6 * length + 2);
      buf[pos++] = '"';
      segment(s, 0, length);
      buf[pos++] = '"';
      return;
    }
    ensure(1);
    buf[pos++] = '"';
    for (int start = 0; start < length; start += SEGMENT_CHARS) {
      int end = Math.min(length, start + SEGMENT_CHARS);
      // Reserves the closing quote with the last segment.
      ensure(6 * (end - start) + 1);
      segment(s, start, end);
    }
    buf[pos++] = '"';
  }

  private void segment(String s, int start, int end) {
    byte[] b = buf;
    int p = pos;
    int i = start;
    if (end - start >= BULK_MIN_CHARS) {
      String part = start == 0 && end == s.length() ? s : s.substring(start, end);
      byte[] utf8 = part.getBytes(StandardCharsets.UTF_8);
      // Up to the first non-ASCII byte, bytes and chars correspond one to one, except that the
      // encoder writes a lone surrogate, which must be escaped, as '?': a '?' counts as plain only
      // where the string has one.
      int plain = plainPrefix(utf8, 0);
      while (plain < utf8.length && utf8[plain] == '?' && part.charAt(plain) == '?') {
        plain = plainPrefix(utf8, plain + 1);
      }
      System.arraycopy(utf8, 0, b, p, plain);
      p += plain;
      i += plain;
    }
    // Most text is plain ASCII: a tight loop until the first char that is not.
    for (; i < end; i++) {
      char c = s.charAt(i);
      if (c >= 0x80 || ESCAPES[c] != 0) {
        break;
      }
      b[p++] = (byte) c;
    }
    for (; i < end; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        int escape = ESCAPES[c];
        if (escape == 0) {
          b[p++] = (byte) c;
        } else if (escape > 0) {
          b[p++] = '\\';
          b[p++] = (byte) escape;
        } else {
          p = unicodeEscape(b, p, c);
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        p = unicodeEscape(b, p, c);
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    pos = p;
  }

  /**
   * The end of the run of {@code utf8} from {@code from} on that JSON takes as it is, a {@code '?'}
   * excepted: ASCII bytes that are neither control chars nor {@code "} nor {@code \\} nor {@code
   * ?}. Eight bytes at a time: a byte is flagged when it is zero after XOR with one of those three,
   * below 0x20, or has its high bit set. A borrow can flag bytes above a flagged one, never below
   * it, so the lowest flag is exact.
   */
  static int plainPrefix(byte[] utf8, int from) {
    int p = from;
    for (; p + Long.BYTES <= utf8.length; p += Long.BYTES) {
      long word = (long) LONGS.get(utf8, p);
      long quotes = word ^ (ONES * '"');
      long backslashes = word ^ (ONES * '\\');
      long questionMarks = word ^ (ONES * '?');
      long flags =
          (((quotes - ONES) & ~quotes)
                  | ((backslashes - ONES) & ~backslashes)
                  | ((questionMarks - ONES) & ~questionMarks)
                  | ((word - ONES * 0x20) & ~word)
                  | word)
              & HIGH_BITS;
      if (flags != 0) {
        return p + (Long.numberOfTrailingZeros(flags) >>> 3);
      }
    }
    for (; p < utf8.length; p++) {
      int c = utf8[p];
      if (c < 0 || c == '?' || ESCAPES[c] != 0) {
        break;
      }
    }
    return p;
  }

  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xF];
    b[p++] = HEX[(c >> 8) & 0xF];
    b[p++] = HEX[(c >> 4) & 0xF];
    b[p++] = HEX[c & 0xF];
    return p;
  }

  void number(long value) {
    if (value == Long.MIN_VALUE) {
      raw(MIN_LONG);
      return;
    }
    ensure(20);
    if (value < 0) {
      buf[pos++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long rest = value / 10; rest != 0; rest /= 10) {
      digits++;
    }
    int p = pos + digits;
    pos = p;
    do {
      buf[--p] = (byte) ('0' + (int) (value % 10));
      value /= 10;
    } while (value != 0);
  }

  /**
   * As Jackson's {@code writeNumber(double)} with default features: {@link Double#toString}, and
   * NaN and the infinities as quoted strings ({@code QUOTE_NON_NUMERIC_NUMBERS}).
   */
  void number(double value) {
    String text = Double.toString(value);
    if (Double.isFinite(value)) {
      int length = text.length();
      ensure(length);
      for (int i = 0; i < length; i++) {
        buf[pos++] = (byte) text.charAt(i);
      }
    } else {
      quoted(text);
    }
  }

  /**
   * A timestamp in {@link EventCodec#formatTimestamp} form, written without the intermediate string
   * when it is in the range {@link EventCodec#writeTimestamp} handles.
   */
  void timestamp(Instant instant) {
    if (!EventCodec.fastTimestamp(instant)) {
      quoted(EventCodec.formatTimestamp(instant));
      return;
    }
    ensure(EventCodec.TIMESTAMP_LENGTH + 2);
    buf[pos++] = '"';
    long second = instant.getEpochSecond();
    if (second != cachedSecond) {
      EventCodec.writeSecond(cachedSecondText, 0, second);
      cachedSecond = second;
    }
    System.arraycopy(cachedSecondText, 0, buf, pos, EventCodec.SECOND_LENGTH);
    EventCodec.writeFraction(buf, pos + EventCodec.SECOND_LENGTH, instant.getNano());
    pos += EventCodec.TIMESTAMP_LENGTH;
    buf[pos++] = '"';
  }
}
