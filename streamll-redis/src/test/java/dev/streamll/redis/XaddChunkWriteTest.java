package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.HashedWheelTimer;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a chunk of XADDs reaches the channel, and what a failed write does to it. */
class XaddChunkWriteTest {
  private final HashedWheelTimer timer = new HashedWheelTimer();
  private final RecordingListener listener = new RecordingListener();

  @AfterEach
  void stopTimer() {
    timer.stop();
  }

  @Test
  void aChunkIsWrittenAsOneMessage() {
    EmbeddedChannel channel = new EmbeddedChannel();
    ReplyChunk chunk = new ReplyChunk(listener, 3);
    List<XaddCommand> commands = commands(chunk, 3);
    chunk.expect(commands.size());

    XaddCommand.writeChunk(channel, commands);

    Object written = channel.readOutbound();
    assertThat(written).isSameAs(commands);
    Object more = channel.readOutbound();
    assertThat(more).isNull();
    assertThat(commands).noneMatch(XaddCommand::isDone);
    assertThat(listener.failures).isEmpty();
  }

  /** A channel closed between opening the pipeline and writing: every entry fails at once. */
  @Test
  void aChunkWrittenToAClosedChannelFailsEveryEntryAndSettles() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.close();
    ReplyChunk chunk = new ReplyChunk(listener, 3);
    List<XaddCommand> commands = commands(chunk, 3);
    chunk.expect(commands.size());

    XaddCommand.writeChunk(channel, commands);
    chunk.dispatched(timer, TimeUnit.SECONDS.toNanos(30));

    assertThat(commands)
        .allSatisfy(
            command -> assertThat(command.failure()).isInstanceOf(ClosedChannelException.class));
    assertThat(listener.failures).hasSize(3);
    assertThat(listener.settledPermits).isEqualTo(3);
    assertThat(listener.expired).isFalse();
  }

  private static List<XaddCommand> commands(ReplyChunk chunk, int count) {
    XaddFormat format = new XaddFormat(0);
    List<XaddCommand> commands = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      commands.add(
          new XaddCommand(
              format,
              bytes("key"),
              bytes("{\"event_id\":\"" + i + "\"}"),
              bytes("token"),
              bytes("app"),
              chunk));
    }
    return commands;
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static final class RecordingListener implements ReplyChunk.Listener {
    final List<Throwable> failures = new ArrayList<>();
    int settledPermits;
    boolean expired;

    @Override
    public void entryFailed(Throwable cause) {
      failures.add(cause);
    }

    @Override
    public void settled(int permits) {
      settledPermits += permits;
    }

    @Override
    public void expired() {
      expired = true;
    }
  }
}
