package dev.streamll.redis;

import dev.streamll.sink.SinkUrl;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import java.io.File;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Redis sink or source address, parsed and checked once:
 *
 * <pre>
 * redis[s]://[user:password@]host[:port][/db][/stream][?option=value&amp;…]
 * </pre>
 *
 * A numeric first path segment is the database, any other segment the stream key ({@code
 * redis://host:6379/events} is what {@code streamll tail} is given). Options: {@code stream} (the
 * key, default {@code streamll_events}; may contain {@code {module_name}} and {@code {event_type}},
 * written {@code %7Bmodule_name%7D} inside a URL), {@code maxlen} ({@code MAXLEN ~ N} trimming, off
 * by default), {@code timeout} (connect and command timeout, default {@code 5s}), and for {@code
 * rediss://} {@code verify} ({@code full}, {@code ca}, {@code none}) and {@code cacert} (a PEM file
 * of trusted certificates).
 *
 * <p>The client built here never buffers on its own: commands issued while disconnected are
 * rejected, the request queue is bounded, every command times out (the sink's {@code XADD}s per
 * chunk, see {@link ReplyChunk}), and it does not reconnect by itself (so it never replays commands
 * behind the forwarder's back). The forwarder's retry, circuit breaker and journal cursor stay the
 * single place where events wait.
 */
final class RedisSettings {
  static final String DEFAULT_STREAM = "streamll_events";
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Commands in flight per connection at most; beyond it Lettuce refuses commands. The sink keeps
   * at most {@link RedisSink#MAX_OUTSTANDING} outstanding, well below.
   */
  static final int REQUEST_QUEUE_SIZE = 16_384;

  private static final Set<String> OPTIONS =
      Set.of("stream", "maxlen", "timeout", "verify", "cacert");
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

  private final String scheme;
  private final String host;
  private final int port;
  private final int database;
  private final String user;
  private final String password;
  private final StreamKey streamKey;
  private final long maxlen;
  private final Duration timeout;
  private final SslVerifyMode verify;
  private final File caCertificates;
  private final String redacted;

  private RedisSettings(SinkUrl url) {
    this.redacted = url.redacted();
    Set<String> unknown = new TreeSet<>(url.options().keySet());
    unknown.removeAll(OPTIONS);
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "unknown option(s) "
              + unknown
              + " in "
              + redacted
              + "; Redis supports stream, maxlen, timeout, verify and cacert");
    }
    this.scheme = url.scheme();
    if (!scheme.equals("redis") && !scheme.equals("rediss")) {
      throw new IllegalArgumentException(
          "'" + redacted + "' is not a Redis URL; use redis://host:port or rediss://host:port");
    }
    if (url.host() == null || url.host().isEmpty()) {
      throw new IllegalArgumentException(
          "Redis URL '" + redacted + "' has no host; use e.g. redis://localhost:6379");
    }
    this.host = url.host();
    this.port = url.port(6379);
    this.user = emptyToNull(url.user());
    this.password = emptyToNull(url.password());

    String[] path = url.path().isEmpty() ? new String[0] : url.path().split("/", 2);
    int db = 0;
    String pathStream = null;
    if (path.length > 0 && path[0].matches("\\d+")) {
      db = Integer.parseInt(path[0]);
      pathStream = path.length > 1 && !path[1].isEmpty() ? path[1] : null;
    } else if (path.length > 0) {
      pathStream = url.path();
    }
    this.database = db;
    String optionStream = url.options().get("stream");
    if (pathStream != null && optionStream != null && !pathStream.equals(optionStream)) {
      throw new IllegalArgumentException(
          "Redis URL '"
              + redacted
              + "' names the stream twice ('"
              + pathStream
              + "' in the path, '"
              + optionStream
              + "' in option stream); keep one");
    }
    String stream = pathStream != null ? pathStream : optionStream;
    this.streamKey = StreamKey.parse(stream == null || stream.isEmpty() ? DEFAULT_STREAM : stream);

    this.maxlen = url.longOption("maxlen", 0);
    if (url.options().containsKey("maxlen") && maxlen <= 0) {
      throw new IllegalArgumentException(
          "option 'maxlen' in "
              + redacted
              + " must be a positive entry count, was "
              + maxlen
              + "; leave it out to keep every entry");
    }
    this.timeout = duration(url, "timeout", DEFAULT_TIMEOUT);
    this.verify = verifyMode(url);
    String cacert = url.options().get("cacert");
    this.caCertificates = cacert == null || cacert.isEmpty() ? null : new File(cacert);
    if (caCertificates != null && !caCertificates.isFile()) {
      throw new IllegalArgumentException(
          "option 'cacert' in "
              + redacted
              + " names '"
              + cacert
              + "', which is not a readable file; give the path of a PEM file with the server's CA"
              + " certificate(s)");
    }
    if (!isTls() && (url.options().containsKey("verify") || caCertificates != null)) {
      throw new IllegalArgumentException(
          "options 'verify' and 'cacert' in "
              + redacted
              + " only apply to TLS; use a rediss:// URL");
    }
  }

  /**
   * Parses and checks {@code url}.
   *
   * @throws IllegalArgumentException naming the option at fault and the fix
   */
  static RedisSettings parse(SinkUrl url) {
    return new RedisSettings(url);
  }

  private static String emptyToNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private Duration duration(SinkUrl url, String option, Duration defaultValue) {
    String text = url.options().get(option);
    if (text == null || text.isEmpty()) {
      return defaultValue;
    }
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new IllegalArgumentException(
          "option '"
              + option
              + "' in "
              + redacted
              + " must be a positive duration with a unit (500ms, 5s, 1m), was '"
              + text
              + "'");
    }
    long amount = Long.parseLong(m.group(1));
    switch (m.group(2)) {
      case "ms":
        return Duration.ofMillis(amount);
      case "s":
        return Duration.ofSeconds(amount);
      default:
        return Duration.ofMinutes(amount);
    }
  }

  private SslVerifyMode verifyMode(SinkUrl url) {
    String text = url.option("verify", "full").toLowerCase(Locale.ROOT);
    switch (text) {
      case "full":
        return SslVerifyMode.FULL;
      case "ca":
        return SslVerifyMode.CA;
      case "none":
        return SslVerifyMode.NONE;
      default:
        throw new IllegalArgumentException(
            "option 'verify' in "
                + redacted
                + " must be full (certificate and host name), ca (certificate only) or none, was '"
                + text
                + "'");
    }
  }

  boolean isTls() {
    return scheme.equals("rediss");
  }

  StreamKey streamKey() {
    return streamKey;
  }

  /** The {@code MAXLEN ~} bound, or 0 for none. */
  long maxlen() {
    return maxlen;
  }

  Duration timeout() {
    return timeout;
  }

  String host() {
    return host;
  }

  int port() {
    return port;
  }

  boolean hasPassword() {
    return password != null;
  }

  String user() {
    return user;
  }

  /** The URL as the user gave it, password hidden. */
  String redacted() {
    return redacted;
  }

  /**
   * A stable, credential-free name: scheme, address, database and stream key. Forwarders derive
   * their journal cursor from it, so it must not change between runs of the same configuration.
   */
  String name() {
    return scheme + "://" + host + ":" + port + "/" + database + "/" + streamKey.template();
  }

  RedisURI redisUri() {
    RedisURI.Builder builder =
        RedisURI.Builder.redis(host, port)
            .withDatabase(database)
            .withTimeout(timeout)
            .withClientName("streamll");
    if (isTls()) {
      builder.withSsl(true).withVerifyPeer(verify);
    }
    if (password != null) {
      if (user != null) {
        builder.withAuthentication(user, password);
      } else {
        builder.withPassword(password);
      }
    }
    return builder.build();
  }

  /** A client that reports outages instead of hiding them; see the class comment. */
  RedisClient newClient() {
    return configure(RedisClient.create(redisUri()));
  }

  /** The same on {@code resources}, which the caller shuts down after the client. */
  RedisClient newClient(ClientResources resources) {
    return configure(RedisClient.create(resources, redisUri()));
  }

  private RedisClient configure(RedisClient client) {
    ClientOptions.Builder options =
        ClientOptions.builder()
            .autoReconnect(false)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .requestQueueSize(REQUEST_QUEUE_SIZE)
            // The hash-indexed queue speeds up cancelling single commands, which this client never
            // does; the plain queue costs less per command.
            .useHashIndexQueue(false)
            .timeoutOptions(TimeoutOptions.enabled(timeout))
            .socketOptions(SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build());
    if (caCertificates != null) {
      options.sslOptions(SslOptions.builder().trustManager(caCertificates).build());
    }
    client.setOptions(options.build());
    return client;
  }

  @Override
  public String toString() {
    return redacted;
  }
}
