package dev.streamll.version;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 digests shortened to the hex ids shown in events. */
final class Hashes {
  /** 12 hex digits (48 bits): short enough for a table column, ample to tell versions apart. */
  static final int ID_HEX_DIGITS = 12;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Hashes() {}

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
  }

  static String id(byte[] digest) {
    char[] out = new char[ID_HEX_DIGITS];
    for (int i = 0; i < ID_HEX_DIGITS; i++) {
      int b = digest[i / 2] & 0xff;
      out[i] = HEX[(i % 2 == 0) ? b >>> 4 : b & 0xf];
    }
    return new String(out);
  }

  static String id(String text) {
    return id(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
  }
}
