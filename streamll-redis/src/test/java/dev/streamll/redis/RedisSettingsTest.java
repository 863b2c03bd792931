package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.SinkConfig;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.Sinks;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedisSettingsTest {

  private static RedisSettings parse(String url) {
    return RedisSettings.parse(SinkUrl.parse(url));
  }

  @Test
  void defaultsAndName() {
    RedisSettings settings = parse("redis://localhost");
    assertThat(settings.port()).isEqualTo(6379);
    assertThat(settings.streamKey().fixedKey()).isEqualTo("streamll_events");
    assertThat(settings.maxlen()).isZero();
    assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.name()).isEqualTo("redis://localhost:6379/0/streamll_events");
  }

  @Test
  void databaseStreamAndCredentialsFromTheUrl() {
    RedisSettings settings =
        parse("rediss://app:s3cret@cache.example.com:6380/3/llm_events?maxlen=1000&timeout=750ms");
    RedisURI uri = settings.redisUri();
    assertThat(uri.getDatabase()).isEqualTo(3);
    assertThat(uri.isSsl()).isTrue();
    RedisCredentials credentials = uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
    assertThat(settings.streamKey().fixedKey()).isEqualTo("llm_events");
    assertThat(settings.maxlen()).isEqualTo(1000);
    assertThat(settings.timeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(settings.name())
        .isEqualTo("rediss://cache.example.com:6380/3/llm_events")
        .doesNotContain("s3cret");
    assertThat(settings.redacted()).doesNotContain("s3cret");
  }

  @Test
  void nonNumericPathIsTheStreamAsStreamllTailGivesIt() {
    assertThat(parse("redis://h:1/events").streamKey().fixedKey()).isEqualTo("events");
    assertThat(parse("redis://h:1/2").redisUri().getDatabase()).isEqualTo(2);
    assertThat(parse("redis://h:1/?stream=x").streamKey().fixedKey()).isEqualTo("x");
    assertThatThrownBy(() -> parse("redis://h:1/a?stream=b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("names the stream twice");
  }

  @Test
  void templatesAreWrittenPercentEncodedInUrls() {
    RedisSettings settings = parse("redis://h/?stream=llm:%7Bmodule_name%7D:%7Bevent_type%7D");
    StreamKey key = settings.streamKey();
    assertThat(key.isTemplate()).isTrue();
    assertThat(new String(key.keyFor("ChatBot", "token"), StandardCharsets.UTF_8))
        .isEqualTo("llm:ChatBot:token");
    assertThat(new String(key.keyFor("{event_type}$1", "end"), StandardCharsets.UTF_8))
        .as("values are inserted literally, never re-expanded")
        .isEqualTo("llm:{event_type}$1:end");
  }

  @Test
  void badOptionsNameTheOptionAndTheFix() {
    assertThatThrownBy(() -> parse("redis://h/?strem=x"))
        .hasMessageContaining("unknown option(s) [strem]")
        .hasMessageContaining("stream, maxlen, timeout");
    assertThatThrownBy(() -> parse("redis://h/?maxlen=0"))
        .hasMessageContaining("'maxlen'")
        .hasMessageContaining("leave it out");
    assertThatThrownBy(() -> parse("redis://h/?maxlen=lots")).hasMessageContaining("'maxlen'");
    assertThatThrownBy(() -> parse("redis://h/?timeout=5"))
        .hasMessageContaining("'timeout'")
        .hasMessageContaining("500ms, 5s, 1m");
    assertThatThrownBy(() -> parse("redis://h/?stream=%7Bmodule%7D"))
        .hasMessageContaining("option 'stream'")
        .hasMessageContaining("{module}");
    assertThatThrownBy(() -> parse("redis://h/?verify=none")).hasMessageContaining("rediss://");
    assertThatThrownBy(() -> parse("rediss://h/?verify=maybe")).hasMessageContaining("'verify'");
    assertThatThrownBy(() -> parse("rediss://h/?cacert=/nonexistent/ca.pem"))
        .hasMessageContaining("'cacert'");
    assertThatThrownBy(() -> parse("redis:///events")).hasMessageContaining("no host");
  }

  @Test
  void providersAreFoundByScheme() {
    assertThat(Sinks.create("redis://localhost:1/x")).isInstanceOf(RedisSink.class);
    assertThat(Sinks.create("rediss://localhost:1/x").name()).startsWith("rediss://");
  }

  @Test
  void labelsComeFromTopLevelFieldsOnly() {
    String json =
        "{\"event_id\":\"e\",\"data\":{\"module_name\":\"nested\",\"event_type\":\"nested\"},"
            + "\"module_name\":\"ChatBot\",\"event_type\":\"token\"}";
    EventLabels labels = EventLabels.of(json.getBytes(StandardCharsets.UTF_8));
    assertThat(labels).hasToString("module_name=ChatBot, event_type=token");
    assertThat(EventLabels.of("{}".getBytes(StandardCharsets.UTF_8)))
        .hasToString("module_name=app, event_type=custom");
    assertThatThrownBy(() -> EventLabels.of("[1]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** Other producers escape differently and may use null or "" for a missing name. */
  @Test
  void labelsAreUnescapedAndDefaultedLikeTheEvent() {
    String json = "{\n  \"event_type\" : null,\n  \"module_name\" : \"Caf\\u00e9 \\\"Bot\\\"\"\n}";
    assertThat(EventLabels.of(json.getBytes(StandardCharsets.UTF_8)))
        .hasToString("module_name=Café \"Bot\", event_type=custom");
    assertThat(
            EventLabels.of(
                "{\"module_name\":\"\",\"event_type\":\"end\"}".getBytes(StandardCharsets.UTF_8)))
        .hasToString("module_name=app, event_type=end");
  }

  /** The client must report outages to the forwarder instead of buffering or replaying. */
  @Test
  void clientNeverBuffersBehindTheForwardersBack() {
    RedisClient client = parse("redis://localhost:1/?timeout=750ms").newClient();
    try {
      ClientOptions options = client.getOptions();
      assertThat(options.isAutoReconnect()).isFalse();
      assertThat(options.getDisconnectedBehavior())
          .isEqualTo(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS);
      assertThat(options.getRequestQueueSize())
          .isEqualTo(RedisSettings.REQUEST_QUEUE_SIZE)
          .isGreaterThan(RedisSink.MAX_OUTSTANDING);
      assertThat(options.getTimeoutOptions().isTimeoutCommands()).isTrue();
      assertThat(options.getSocketOptions().getConnectTimeout()).isEqualTo(Duration.ofMillis(750));
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
  }

  /** The tuning example of docs/sinks/redis.md. */
  @Test
  void tuningExampleFromTheDocs() {
    SinkConfig config =
        SinkConfig.of("redis://localhost:6379")
            .options(
                ForwarderOptions.builder().maxBatchSize(4096).linger(Duration.ofMillis(5)).build());
    assertThat(config.toString()).isEqualTo("redis://localhost:6379");
  }

  @Test
  void nextEntryId() {
    assertThat(RedisEventSource.next("1700000000000-0")).isEqualTo("1700000000000-1");
    assertThat(RedisEventSource.next("5-18446744073709551615")).isEqualTo("6-0");
  }
}
