package dev.streamll.event;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Generates UUIDv7 strings (RFC 9562): 48 bits of Unix milliseconds, then random bits, so ids sort
 * by creation time and need no coordination between processes.
 */
public final class EventIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private EventIds() {}

  public static String newId() {
    return newId(System.currentTimeMillis());
  }

  static String newId(long epochMillis) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (epochMillis << 16) | 0x7000L | (random.nextInt() & 0x0FFFL);
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    char[] out = new char[36];
    hex(high >>> 32, 8, out, 0);
    out[8] = '-';
    hex(high >>> 16, 4, out, 9);
    out[13] = '-';
    hex(high, 4, out, 14);
    out[18] = '-';
    hex(low >>> 48, 4, out, 19);
    out[23] = '-';
    hex(low, 12, out, 24);
    return new String(out);
  }

  private static void hex(long value, int digits, char[] out, int offset) {
    for (int i = digits - 1; i >= 0; i--) {
      out[offset + i] = HEX[(int) (value & 0xF)];
      value >>>= 4;
    }
  }

  /** The last six hex digits of an id: random bits, so short yet distinct for display. */
  public static String shortId(String id) {
    if (id == null) {
      return "------";
    }
    return id.length() <= 6 ? id : id.substring(id.length() - 6);
  }
}
