package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The hand-written XADD must be byte for byte what Lettuce's own command encoding sends. */
class XaddFormatTest {
  private static final Random RANDOM = new Random(42);

  @Test
  void encodesLikeLettuceWithoutTrimming() {
    compareOverManyLengths(0);
  }

  @Test
  void encodesLikeLettuceWithApproximateTrimming() {
    compareOverManyLengths(1_000_000);
  }

  @Test
  void encodesMultiByteLabelsAndKeys() {
    assertSameEncoding(
        0,
        "llm:Café".getBytes(StandardCharsets.UTF_8),
        "{\"module_name\":\"Café ☕\"}".getBytes(StandardCharsets.UTF_8),
        "token".getBytes(StandardCharsets.UTF_8),
        "Café ☕".getBytes(StandardCharsets.UTF_8));
  }

  private static void compareOverManyLengths(long maxlen) {
    int[] lengths = {0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10_000, 123_456};
    for (int length : lengths) {
      assertSameEncoding(
          maxlen, random(7), random(length), random(length % 17), random(length % 5));
    }
    for (int i = 0; i < 200; i++) {
      assertSameEncoding(
          maxlen,
          random(RANDOM.nextInt(40) + 1),
          random(RANDOM.nextInt(5000)),
          random(RANDOM.nextInt(30)),
          random(RANDOM.nextInt(30)));
    }
  }

  private static void assertSameEncoding(
      long maxlen, byte[] key, byte[] json, byte[] eventType, byte[] moduleName) {
    ByteBuf ours = Unpooled.buffer();
    new XaddFormat(maxlen).write(ours, key, json, eventType, moduleName);

    CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key);
    XAddArgs xaddArgs = new XAddArgs();
    if (maxlen > 0) {
      xaddArgs.maxlen(maxlen).approximateTrimming();
    }
    xaddArgs.build(args);
    args.add(bytes("event"))
        .addValue(json)
        .add(bytes("event_type"))
        .addValue(eventType)
        .add(bytes("module_name"))
        .addValue(moduleName);
    ByteBuf lettuce = Unpooled.buffer();
    new Command<>(CommandType.XADD, null, args).encode(lettuce);

    assertThat(ByteBufUtil.getBytes(ours)).isEqualTo(ByteBufUtil.getBytes(lettuce));
  }

  private static byte[] random(int length) {
    byte[] bytes = new byte[length];
    RANDOM.nextBytes(bytes);
    return bytes;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
