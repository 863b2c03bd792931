package dev.streamll.event;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The eight-bytes-at-a-time scan must stop exactly where a byte-by-byte scan would. */
class JsonBytesTest {
  private static final byte[] SPECIALS = {
    '"', '\\', 0, 0x1f, (byte) 0x80, (byte) 0xff, (byte) 0xc3
  };
  private static final byte[] PLAIN = {' ', '!', '#', '[', ']', '~', 0x7f, 'a', '0', 0x20, 0x5b};

  @Test
  void plainPrefixStopsAtTheFirstByteNeedingAttention() {
    for (int length = 0; length <= 40; length++) {
      for (byte fill : PLAIN) {
        byte[] plain = filled(length, fill);
        assertThat(JsonBytes.plainPrefix(plain, 0)).isEqualTo(length);
        for (int at = 0; at < length; at++) {
          for (byte special : SPECIALS) {
            byte[] bytes = filled(length, fill);
            bytes[at] = special;
            // A second special later must not move the answer (borrows only run upwards).
            if (at + 1 < length) {
              bytes[length - 1] = '"';
            }
            assertThat(JsonBytes.plainPrefix(bytes, 0))
                .as("length %d, special 0x%02x at %d", length, special & 0xff, at)
                .isEqualTo(at);
          }
        }
      }
    }
  }

  @Test
  void aLoneSurrogateIsEscapedWhileARealQuestionMarkIsKept() {
    EventCodec codec = new EventCodec();
    String text = "is this plain? yes it is, and long enough" + '\ud800' + " tail?";
    String json =
        new String(
            codec.encode(StreamllEvent.builder().data("text", text).build()),
            java.nio.charset.StandardCharsets.UTF_8);
    assertThat(json).contains("\"is this plain? yes it is, and long enough\\uD800 tail?\"");
  }

  private static byte[] filled(int length, byte fill) {
    byte[] bytes = new byte[length];
    java.util.Arrays.fill(bytes, fill);
    return bytes;
  }
}
