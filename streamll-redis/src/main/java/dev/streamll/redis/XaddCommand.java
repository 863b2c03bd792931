package dev.streamll.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.CommandOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandType;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One entry's {@code XADD}, dispatched on a Lettuce connection as a plain command rather than
 * through the asynchronous API: it encodes itself with {@link XaddFormat}, ignores the entry id
 * Redis replies with, and reports its outcome to its {@link ReplyChunk} instead of completing a
 * future of its own. Lettuce completes a command exactly once in the normal course (reply, error
 * reply, connection failure or cancellation); the guard below makes a second report harmless.
 */
final class XaddCommand extends Command<byte[], byte[], Void> {
  private static final VarHandle REPORTED;

  static {
    try {
      REPORTED = MethodHandles.lookup().findVarHandle(XaddCommand.class, "reported", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final XaddFormat format;
  private final byte[] key;
  private final byte[] json;
  private final byte[] eventType;
  private final byte[] moduleName;
  private final ReplyChunk chunk;

  @SuppressWarnings("unused") // through REPORTED
  private volatile int reported;

  XaddCommand(
      XaddFormat format,
      byte[] key,
      byte[] json,
      byte[] eventType,
      byte[] moduleName,
      ReplyChunk chunk) {
    super(CommandType.XADD, new EntryIdIgnored());
    this.format = format;
    this.key = key;
    this.json = json;
    this.eventType = eventType;
    this.moduleName = moduleName;
    this.chunk = chunk;
  }

  /**
   * Writes {@code chunk} to a connection's channel as one list. Lettuce's command handler puts each
   * command on its stack of commands awaiting replies and encodes the list into one buffer; the
   * connection's own dispatch would write, and allocate a promise and a buffer for, each command on
   * its own. A write that fails (the channel is closed, the handler refused the list) fails every
   * command of the chunk; those the handler already completed stay as they are. This relies on
   * {@code CommandHandler.write} taking a list, which it does but which is not a published API:
   * after a Lettuce upgrade, RedisSinkPipelineTest and the outage tests tell whether it still
   * holds.
   */
  static void writeChunk(Channel channel, List<XaddCommand> chunk) {
    channel
        .writeAndFlush(chunk)
        .addListener(
            written -> {
              if (!written.isSuccess()) {
                chunk.forEach(command -> command.completeExceptionally(written.cause()));
              }
            });
  }

  byte[] key() {
    return key;
  }

  /** Why this entry was not written; null while pending or once written. */
  Throwable failure() {
    // Command's own field, published by the chunk's count, which settling decrements after.
    return exception;
  }

  @Override
  public void encode(ByteBuf buf) {
    format.write(buf, key, json, eventType, moduleName);
  }

  @Override
  public void complete() {
    String error = output.getError();
    report(error == null ? null : new RedisCommandExecutionException(error), ST_COMPLETED);
  }

  @Override
  public boolean completeExceptionally(Throwable cause) {
    report(cause, ST_COMPLETED);
    return true;
  }

  @Override
  public void cancel() {
    // Lettuce sets the reason (e.g. "Connection closed") as the output's error before cancelling.
    String reason = output.getError();
    report(
        new RedisException("XADD cancelled: " + (reason == null ? "cancelled" : reason)),
        ST_CANCELLED);
  }

  private void report(Throwable cause, byte outcome) {
    if (!REPORTED.compareAndSet(this, 0, 1)) {
      return;
    }
    exception = cause;
    status = outcome;
    chunk.settled(cause);
  }

  @Override
  public String toString() {
    return "XADD (" + json.length + "-byte event)";
  }

  /** XADD replies with the new entry's id, which the sink has no use for. */
  private static final class EntryIdIgnored extends CommandOutput<byte[], byte[], Void> {
    EntryIdIgnored() {
      super(ByteArrayCodec.INSTANCE, null);
    }

    @Override
    public void set(ByteBuffer bytes) {
      // The id is not needed: the entry is confirmed by the reply arriving without an error.
    }
  }
}
