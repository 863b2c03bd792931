package dev.streamll.event;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Reads a few top-level string fields of an event's wire JSON without parsing the rest: one pass
 * over the UTF-8 bytes that follows strings, escapes and nesting, recognises field names only in
 * the outermost object, and stops as soon as every requested field has been seen. Sinks use it to
 * label each record ({@code module_name}, {@code event_type}, …) from the journal bytes they
 * forward, where a full parse would mostly decode {@code data}.
 *
 * <p>Values come out unescaped, exactly as a JSON parser reads them (quote and backslash escapes,
 * Unicode escapes, surrogate pairs); a value without a backslash is copied straight from the input.
 * A field is absent (null) when it is missing or its value is not a string ({@code null}, a number,
 * an object, …). The input may order fields any way and put whitespace between tokens, as other
 * producers (the Python StreamLL, a pretty printer) do.
 *
 * <p><b>Duplicate names:</b> the first occurrence of a requested name decides, even when its value
 * is not a string; later ones are ignored. That is what lets the scan stop early. Tree parsers keep
 * the last occurrence instead; the codec never writes a name twice.
 *
 * <p><b>What is checked:</b> the outermost object's grammar up to the last field read (names,
 * colons, commas, literals, numbers), every string on the way (escapes well formed, no raw control
 * characters) and bracket balance inside the values skipped. The bytes after the last requested
 * field are not read, nested values are not otherwise validated, and UTF-8 is not validated (a
 * malformed sequence becomes U+FFFD in {@link #strings} and is copied as is by {@link #utf8}).
 * Input that is not a JSON object, or is malformed or ends before every requested field is seen, is
 * an {@link IllegalArgumentException}; a leading UTF-8 byte order mark is skipped.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class TopLevelFields {
  private static final int UNSEEN = -1;
  private static final int NOT_A_STRING = -2;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private final String[] names;
  private final byte[][] keys;

  private TopLevelFields(String[] names) {
    this.names = names;
    this.keys = new byte[names.length][];
    for (int i = 0; i < names.length; i++) {
      keys[i] = names[i].getBytes(StandardCharsets.UTF_8);
    }
  }

  /**
   * A reader for the given top-level field names; results list the values in this order.
   *
   * @throws IllegalArgumentException when no name is given, or one is null, empty or repeated
   */
  public static TopLevelFields of(String... names) {
    if (names.length == 0) {
      throw new IllegalArgumentException("no field names given");
    }
    String[] copy = names.clone();
    for (int i = 0; i < copy.length; i++) {
      if (copy[i] == null || copy[i].isEmpty()) {
        throw new IllegalArgumentException("field name " + i + " is null or empty");
      }
      for (int j = 0; j < i; j++) {
        if (copy[j].equals(copy[i])) {
          throw new IllegalArgumentException("field name '" + copy[i] + "' given twice");
        }
      }
    }
    return new TopLevelFields(copy);
  }

  /** The field names, in the order results list their values. */
  public List<String> names() {
    return List.of(names);
  }

  /**
   * The requested fields' values as strings, in {@link #names()} order; null for a field that is
   * missing or not a string.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object or is malformed before
   *     the last requested field
   */
  public String[] strings(byte[] json) {
    int[] spans = scan(json);
    String[] values = new String[names.length];
    for (int i = 0; i < values.length; i++) {
      int start = spans[2 * i];
      int end = spans[2 * i + 1];
      if (start < 0) {
        continue;
      }
      values[i] =
          end >= 0
              ? new String(json, start, end - start, StandardCharsets.UTF_8)
              : unescape(json, start, ~end);
    }
    return values;
  }

  /**
   * The requested fields' values as UTF-8 bytes (the unescaped text), in {@link #names()} order;
   * null for a field that is missing or not a string.
   *
   * @throws IllegalArgumentException when {@code json} is not a JSON object or is malformed before
   *     the last requested field
   */
  public byte[][] utf8(byte[] json) {
    int[] spans = scan(json);
    byte[][] values = new byte[names.length][];
    for (int i = 0; i < values.length; i++) {
      int start = spans[2 * i];
      int end = spans[2 * i + 1];
      if (start < 0) {
        continue;
      }
      values[i] =
          end >= 0
              ? Arrays.copyOfRange(json, start, end)
              : unescape(json, start, ~end).getBytes(StandardCharsets.UTF_8);
    }
    return values;
  }

  /**
   * For each requested name, at [2i] the start of its string value's content (or {@link #UNSEEN},
   * {@link #NOT_A_STRING}) and at [2i+1] the index of the closing quote, complemented when the
   * content holds an escape.
   */
  private int[] scan(byte[] b) {
    int[] spans = new int[2 * keys.length];
    for (int i = 0; i < keys.length; i++) {
      spans[2 * i] = UNSEEN;
    }
    int remaining = keys.length;
    int n = b.length;
    int p = skipWhitespace(b, skipByteOrderMark(b));
    if (p >= n || b[p] != '{') {
      throw new IllegalArgumentException("event JSON is not an object");
    }
    p = skipWhitespace(b, p + 1);
    if (p < n && b[p] == '}') {
      return spans;
    }
    while (true) {
      expect(b, p, '"', "a field name");
      int nameStart = p + 1;
      int nameEnd = endOfString(b, nameStart);
      int index = indexOf(b, nameStart, nameEnd);
      if (index >= 0 && spans[2 * index] != UNSEEN) {
        index = -1;
      }
      p = skipWhitespace(b, (nameEnd < 0 ? ~nameEnd : nameEnd) + 1);
      expect(b, p, ':', "':' after a field name");
      p = skipWhitespace(b, p + 1);
      if (p >= n) {
        throw truncated(p);
      }
      if (b[p] == '"') {
        int end = endOfString(b, p + 1);
        if (index >= 0) {
          spans[2 * index] = p + 1;
          spans[2 * index + 1] = end;
          if (--remaining == 0) {
            return spans;
          }
        }
        p = (end < 0 ? ~end : end) + 1;
      } else {
        p = skipValue(b, p);
        if (index >= 0) {
          spans[2 * index] = NOT_A_STRING;
          if (--remaining == 0) {
            return spans;
          }
        }
      }
      p = skipWhitespace(b, p);
      if (p >= n) {
        throw truncated(p);
      }
      if (b[p] == '}') {
        return spans;
      }
      expect(b, p, ',', "',' or '}' after a value");
      p = skipWhitespace(b, p + 1);
    }
  }

  /** The index of the requested name the field name at [start, end) spells, or -1. */
  private int indexOf(byte[] b, int start, int end) {
    if (end < 0) {
      String name = unescape(b, start, ~end);
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      return -1;
    }
    // A plain loop: names are short and differ early (method_name, module_name), where
    // Arrays.equals's range checks and call cost more than the comparison.
    int length = end - start;
    for (int i = 0; i < keys.length; i++) {
      byte[] key = keys[i];
      if (key.length != length) {
        continue;
      }
      int j = 0;
      while (j < length && b[start + j] == key[j]) {
        j++;
      }
      if (j == length) {
        return i;
      }
    }
    return -1;
  }

  private static int skipByteOrderMark(byte[] b) {
    return b.length >= 3 && b[0] == (byte) 0xEF && b[1] == (byte) 0xBB && b[2] == (byte) 0xBF
        ? 3
        : 0;
  }

  private static int skipWhitespace(byte[] b, int p) {
    int n = b.length;
    while (p < n) {
      byte c = b[p];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return p;
      }
      p++;
    }
    return p;
  }

  private static void expect(byte[] b, int p, char c, String what) {
    if (p >= b.length) {
      throw truncated(p);
    }
    if (b[p] != c) {
      throw new IllegalArgumentException(
          "event JSON is malformed: expected " + what + " at byte " + p);
    }
  }

  private static IllegalArgumentException truncated(int p) {
    return new IllegalArgumentException("event JSON is malformed: it ends at byte " + p);
  }

  /**
   * The index of the closing quote of the string whose content starts at {@code p}, complemented
   * when the content holds an escape. Checks escapes and rejects raw control characters, as a JSON
   * parser does, so {@link #unescape} can trust the content.
   */
  private static int endOfString(byte[] b, int p) {
    boolean escaped = false;
    while (true) {
      p = nextSpecial(b, p);
      if (p >= b.length) {
        throw truncated(p);
      }
      byte c = b[p];
      if (c == '"') {
        return escaped ? ~p : p;
      }
      if (c != '\\') {
        throw new IllegalArgumentException(
            "event JSON is malformed: control character in a string at byte " + p);
      }
      escaped = true;
      p = endOfEscape(b, p);
    }
  }

  /**
   * The index of the first quote, backslash or control character at or after {@code p}, or the
   * length when there is none. Tests eight bytes per step (SWAR): string content is most of what a
   * scan reads. For each test the lowest flagged byte is exact (a borrow can only flag bytes above
   * a real match), so the lowest flag of the three is the first special byte. Bytes of multi-byte
   * UTF-8 sequences have the high bit set and are never flagged.
   */
  public static int nextSpecial(byte[] b, int p) {
    int n = b.length;
    while (p + 8 <= n) {
      long word = (long) LONGS.get(b, p);
      long quotes = word ^ (ONES * '"');
      long backslashes = word ^ (ONES * '\\');
      long flags =
          ((quotes - ONES) & ~quotes)
              | ((backslashes - ONES) & ~backslashes)
              | ((word - ONES * 0x20) & ~word);
      flags &= HIGH_BITS;
      if (flags != 0) {
        return p + (Long.numberOfTrailingZeros(flags) >>> 3);
      }
      p += 8;
    }
    while (p < n) {
      byte c = b[p];
      if (c == '"' || c == '\\' || (c >= 0 && c < 0x20)) {
        return p;
      }
      p++;
    }
    return n;
  }

  /** The index after the escape sequence starting with the backslash at {@code p}. */
  private static int endOfEscape(byte[] b, int p) {
    if (p + 1 >= b.length) {
      throw truncated(b.length);
    }
    switch (b[p + 1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        return p + 2;
      case 'u':
        if (p + 5 >= b.length) {
          throw truncated(b.length);
        }
        hex4(b, p + 2);
        return p + 6;
      default:
        throw new IllegalArgumentException("event JSON is malformed: unknown escape at byte " + p);
    }
  }

  private static char hex4(byte[] b, int p) {
    int value = 0;
    for (int i = p; i < p + 4; i++) {
      int c = b[i];
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        throw new IllegalArgumentException(
            "event JSON is malformed: bad \\u escape at byte " + (p - 2));
      }
      value = value << 4 | digit;
    }
    return (char) value;
  }

  /**
   * The text of string content [start, end) already checked by {@link #endOfString}. Escapes are
   * appended as UTF-16 units, so a surrogate pair written as two escapes becomes one code point and
   * a lone surrogate stays as it is, as in a JSON parser's text.
   */
  private static String unescape(byte[] b, int start, int end) {
    StringBuilder text = new StringBuilder(end - start);
    int run = start;
    int p = start;
    while (p < end) {
      if (b[p] != '\\') {
        p++;
        continue;
      }
      text.append(new String(b, run, p - run, StandardCharsets.UTF_8));
      byte c = b[p + 1];
      switch (c) {
        case 'b':
          text.append('\b');
          break;
        case 'f':
          text.append('\f');
          break;
        case 'n':
          text.append('\n');
          break;
        case 'r':
          text.append('\r');
          break;
        case 't':
          text.append('\t');
          break;
        case 'u':
          text.append(hex4(b, p + 2));
          p += 4;
          break;
        default:
          text.append((char) c);
          break;
      }
      p += 2;
      run = p;
    }
    return text.append(new String(b, run, end - run, StandardCharsets.UTF_8)).toString();
  }

  /** The index after the non-string value starting at {@code p} (a literal, number, or nesting). */
  private static int skipValue(byte[] b, int p) {
    byte c = b[p];
    switch (c) {
      case '{':
      case '[':
        return skipNested(b, p);
      case 't':
        return skipLiteral(b, p, "true");
      case 'f':
        return skipLiteral(b, p, "false");
      case 'n':
        return skipLiteral(b, p, "null");
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return skipNumber(b, p);
        }
        throw new IllegalArgumentException(
            "event JSON is malformed: expected a value at byte " + p);
    }
  }

  private static int skipLiteral(byte[] b, int p, String literal) {
    for (int i = 0; i < literal.length(); i++) {
      if (p + i >= b.length) {
        throw truncated(p + i);
      }
      if (b[p + i] != literal.charAt(i)) {
        throw new IllegalArgumentException(
            "event JSON is malformed: expected " + literal + " at byte " + p);
      }
    }
    return p + literal.length();
  }

  /** A JSON number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
  private static int skipNumber(byte[] b, int p) {
    int n = b.length;
    int q = p;
    if (b[q] == '-') {
      q++;
    }
    if (q < n && b[q] == '0') {
      q++;
    } else {
      q = digits(b, q);
    }
    if (q < n && b[q] == '.') {
      q = digits(b, q + 1);
    }
    if (q < n && (b[q] == 'e' || b[q] == 'E')) {
      q++;
      if (q < n && (b[q] == '+' || b[q] == '-')) {
        q++;
      }
      q = digits(b, q);
    }
    return q;
  }

  /** The index after one or more digits starting at {@code p}. */
  private static int digits(byte[] b, int p) {
    int n = b.length;
    if (p >= n) {
      throw truncated(p);
    }
    int q = p;
    while (q < n && b[q] >= '0' && b[q] <= '9') {
      q++;
    }
    if (q == p) {
      throw new IllegalArgumentException("event JSON is malformed: expected a digit at byte " + p);
    }
    return q;
  }

  /**
   * The index after the object or array opening at {@code p}. Checks that brackets match (one bit
   * per level: set for an object) and that strings are well formed; what lies between is not
   * otherwise validated. Iterative, so deep nesting cannot overflow the stack.
   */
  private static int skipNested(byte[] b, int p) {
    int n = b.length;
    long levels = 0;
    long[] deeper = null;
    int depth = 0;
    while (p < n) {
      byte c = b[p];
      if (c == '"') {
        int end = endOfString(b, p + 1);
        p = (end < 0 ? ~end : end) + 1;
        continue;
      }
      if (c == '{' || c == '[') {
        boolean object = c == '{';
        if (depth < 64) {
          levels = object ? levels | 1L << depth : levels & ~(1L << depth);
        } else {
          deeper = setLevel(deeper, depth - 64, object);
        }
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
        boolean object =
            depth < 64
                ? (levels & 1L << depth) != 0
                : (deeper[(depth - 64) >>> 6] & 1L << (depth - 64)) != 0;
        if (object != (c == '}')) {
          throw new IllegalArgumentException(
              "event JSON is malformed: mismatched '" + (char) c + "' at byte " + p);
        }
        if (depth == 0) {
          return p + 1;
        }
      }
      p++;
    }
    throw truncated(p);
  }

  private static long[] setLevel(long[] levels, int level, boolean object) {
    int word = level >>> 6;
    long[] grown = levels;
    if (grown == null) {
      grown = new long[Math.max(4, word + 1)];
    } else if (word >= grown.length) {
      grown = Arrays.copyOf(grown, Math.max(word + 1, grown.length * 2));
    }
    grown[word] = object ? grown[word] | 1L << level : grown[word] & ~(1L << level);
    return grown;
  }
}
