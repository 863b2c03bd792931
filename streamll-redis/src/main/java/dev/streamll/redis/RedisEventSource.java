package dev.streamll.redis;

import dev.streamll.event.EventCodec;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the events of one Redis stream back, oldest first: {@code XRANGE} in pages until caught up,
 * then, when following, blocking {@code XREAD} from the last entry seen. Entries without an {@code
 * event} field (written by something else) are skipped with a warning. {@link
 * EncodedEvent#sequence()} is the entry's position in this read, counted from 0.
 */
public final class RedisEventSource implements EventSource {
  private static final Logger log = LoggerFactory.getLogger(RedisEventSource.class);
  private static final int PAGE = 1000;
  private static final Duration MAX_BLOCK = Duration.ofSeconds(1);
  private static final String FIELD_EVENT = "event";

  private final RedisSettings settings;
  private final RedisErrors errors;
  private final String key;
  private final EventCodec codec = new EventCodec();
  private final RedisClient client;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final Duration block;
  private volatile boolean closed;

  RedisEventSource(RedisSettings settings) {
    this.settings = settings;
    this.errors = new RedisErrors(settings);
    if (settings.streamKey().isTemplate()) {
      throw new IllegalArgumentException(
          "reading from "
              + settings.redacted()
              + " needs one stream key, but '"
              + settings.streamKey().template()
              + "' is a template; name the stream, e.g. redis://host:6379/streamll_events");
    }
    this.key = settings.streamKey().fixedKey();
    // Blocking reads must return before the command timeout fires.
    Duration half = settings.timeout().dividedBy(2);
    this.block = half.compareTo(MAX_BLOCK) < 0 ? half : MAX_BLOCK;
    this.client = settings.newClient();
    try {
      this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
      String type = connection.sync().type(key);
      if (!type.equals("none") && !type.equals("stream")) {
        throw new SinkException(
            settings.redacted() + ": key '" + key + "' holds a " + type + ", not a stream");
      }
    } catch (RuntimeException e) {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      throw e instanceof SinkException ? e : errors.translate(e, key);
    }
  }

  /**
   * Opens a source for a {@code redis://host:port[/db]/stream} URL and connects.
   *
   * @throws IllegalArgumentException for an invalid URL or option
   * @throws SinkException when the server cannot be reached or the key is not a stream
   */
  public static RedisEventSource open(String url) {
    return new RedisEventSource(RedisSettings.parse(SinkUrl.parse(url)));
  }

  @Override
  public String name() {
    return settings.name();
  }

  @Override
  public void read(boolean follow, EventHandler handler) {
    RedisCommands<String, byte[]> redis = connection.sync();
    String last = null;
    long position = 0;
    try {
      while (!closed && !Thread.currentThread().isInterrupted()) {
        List<StreamMessage<String, byte[]>> page =
            follow && last != null
                ? readNew(redis, last)
                : redis.xrange(
                    key, Range.create(last == null ? "-" : next(last), "+"), Limit.from(PAGE));
        for (StreamMessage<String, byte[]> message : page) {
          last = message.getId();
          byte[] json = message.getBody().get(FIELD_EVENT);
          if (json == null) {
            log.warn("{}: entry {} has no field 'event'; skipped", name(), message.getId());
            continue;
          }
          if (!handler.onEvent(new EncodedEvent(position++, json, codec))) {
            return;
          }
        }
        if (page.size() < PAGE && !follow) {
          return;
        }
        if (page.isEmpty() && follow && last == null) {
          last = "0-0";
        }
      }
    } catch (RedisCommandInterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RedisException e) {
      if (!closed) {
        throw errors.translate(e, key);
      }
    }
  }

  private List<StreamMessage<String, byte[]>> readNew(
      RedisCommands<String, byte[]> redis, String last) {
    List<StreamMessage<String, byte[]>> messages =
        redis.xread(
            XReadArgs.Builder.block(block).count(PAGE),
            offsets(XReadArgs.StreamOffset.from(key, last)));
    return messages == null ? List.of() : messages;
  }

  // Lettuce's xread takes generic varargs; handing it the array built here is safe because it
  // only reads the offsets.
  @SafeVarargs
  @SuppressWarnings("varargs")
  private static <T> T[] offsets(T... offsets) {
    return offsets;
  }

  /** The smallest entry id after {@code id} ({@code ms-seq}), for an inclusive XRANGE start. */
  static String next(String id) {
    int dash = id.indexOf('-');
    long ms = Long.parseLong(id.substring(0, dash));
    long seq = Long.parseUnsignedLong(id.substring(dash + 1));
    return seq == -1L ? (ms + 1) + "-0" : ms + "-" + Long.toUnsignedString(seq + 1);
  }

  @Override
  public void close() {
    closed = true;
    connection.close();
    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
  }
}
