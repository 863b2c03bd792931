package dev.streamll.redis;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/**
 * Writes one stream entry's {@code XADD} in the Redis protocol (RESP), straight from the journal's
 * bytes:
 *
 * <pre>
 * *9\r\n $4\r\nXADD\r\n $&lt;n&gt;\r\n&lt;key&gt;\r\n [$6\r\nMAXLEN\r\n $1\r\n~\r\n $&lt;n&gt;\r\n&lt;N&gt;\r\n]
 *   $1\r\n*\r\n $5\r\nevent\r\n $&lt;n&gt;\r\n&lt;json&gt;\r\n
 *   $10\r\nevent_type\r\n $&lt;n&gt;\r\n&lt;type&gt;\r\n $11\r\nmodule_name\r\n $&lt;n&gt;\r\n&lt;module&gt;\r\n
 * </pre>
 *
 * (spaces added for reading; with trimming the array has 12 elements). Everything but the key and
 * the three values is the same for every entry of a sink and is encoded once here, instead of once
 * per argument per command as Lettuce's {@code CommandArgs} do.
 */
final class XaddFormat {
  private static final byte[] CRLF = {'\r', '\n'};

  /** {@code *<count>} and the command name, up to the key. */
  private final byte[] head;

  /**
   * From after the key up to the JSON's length: trimming, the {@code *} id, field {@code event}.
   */
  private final byte[] beforeEvent;

  private final byte[] eventTypeField = bulk("event_type");
  private final byte[] moduleNameField = bulk("module_name");

  XaddFormat(long maxlen) {
    boolean trimmed = maxlen > 0;
    this.head = concat(ascii("*" + (trimmed ? 12 : 9) + "\r\n"), bulk("XADD"));
    this.beforeEvent =
        trimmed
            ? concat(
                bulk("MAXLEN"), bulk("~"), bulk(Long.toString(maxlen)), bulk("*"), bulk("event"))
            : concat(bulk("*"), bulk("event"));
  }

  void write(ByteBuf buf, byte[] key, byte[] json, byte[] eventType, byte[] moduleName) {
    buf.writeBytes(head);
    writeBulk(buf, key);
    buf.writeBytes(beforeEvent);
    writeBulk(buf, json);
    buf.writeBytes(eventTypeField);
    writeBulk(buf, eventType);
    buf.writeBytes(moduleNameField);
    writeBulk(buf, moduleName);
  }

  private static void writeBulk(ByteBuf buf, byte[] value) {
    buf.writeByte('$');
    writeDecimal(buf, value.length);
    buf.writeBytes(CRLF);
    buf.writeBytes(value);
    buf.writeBytes(CRLF);
  }

  private static void writeDecimal(ByteBuf buf, int value) {
    if (value < 10) {
      buf.writeByte('0' + value);
      return;
    }
    int divisor = 10;
    while (divisor <= value / 10) {
      divisor *= 10;
    }
    for (; divisor > 0; divisor /= 10) {
      buf.writeByte('0' + value / divisor % 10);
    }
  }

  private static byte[] bulk(String text) {
    byte[] value = text.getBytes(StandardCharsets.UTF_8);
    return concat(ascii("$" + value.length + "\r\n"), value, CRLF);
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }
}
