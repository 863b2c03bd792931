package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.sink.SinkUrl;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** However the client learns that the server dropped it, the message says so. */
class RedisErrorsTest {
  private final RedisErrors errors =
      new RedisErrors(RedisSettings.parse(SinkUrl.parse("redis://127.0.0.1:6390")));

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Broken pipe",
        "Connection reset by peer",
        "Connection closed",
        "Connection disconnected",
        "Currently not connected. Commands are rejected."
      })
  void aDroppedConnectionIsNamedAsSuch(String clientMessage) {
    assertThat(errors.translate(new RedisException(new IOException(clientMessage)), "k"))
        .hasMessageContaining("127.0.0.1:6390")
        .hasMessageContaining("the server went away or dropped the client");
  }

  @Test
  void aClosedChannelWithoutMessageIsNamedByItsType() {
    assertThat(errors.translate(new ClosedChannelException(), "k"))
        .hasMessageContaining("closed (ClosedChannelException)");
  }
}
