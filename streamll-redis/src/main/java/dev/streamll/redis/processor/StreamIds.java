package dev.streamll.redis.processor;

/** Stream entry ids ({@code <ms>-<seq>}) compared and stepped as numbers. */
final class StreamIds {

  private StreamIds() {}

  static int compare(String a, String b) {
    long[] x = parse(a);
    long[] y = parse(b);
    int c = Long.compareUnsigned(x[0], y[0]);
    return c != 0 ? c : Long.compareUnsigned(x[1], y[1]);
  }

  /** The smallest id greater than {@code id}. */
  static String next(String id) {
    long[] x = parse(id);
    if (x[1] == -1L) {
      return Long.toUnsignedString(x[0] + 1) + "-0";
    }
    return Long.toUnsignedString(x[0]) + "-" + Long.toUnsignedString(x[1] + 1);
  }

  private static long[] parse(String id) {
    int dash = id.indexOf('-');
    if (dash < 0) {
      return new long[] {Long.parseUnsignedLong(id), 0};
    }
    return new long[] {
      Long.parseUnsignedLong(id.substring(0, dash)), Long.parseUnsignedLong(id.substring(dash + 1))
    };
  }
}
