package dev.streamll.rabbitmq;

import dev.streamll.sink.SinkUrl;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;

/**
 * What an {@code amqp://user:pass@host:port/vhost?option=value} URL says, checked once. An empty
 * path means the default vhost {@code /}; write other vhosts URL-encoded ({@code /%2Fprod} for
 * {@code /prod}).
 *
 * @param exchange the topic exchange events are published to
 * @param declare whether to declare the exchange (and queue) or only check that it exists
 * @param queue a queue to declare and bind with {@code binding}, or null
 * @param binding the binding pattern for {@code queue} (sink) or the temporary queue (source)
 * @param trust the TLS context built from the {@code truststore} option, or null for the JVM's
 *     default trust
 */
record RabbitMqSettings(
    String scheme,
    String host,
    int port,
    String user,
    String password,
    String vhost,
    String exchange,
    boolean declare,
    RoutingKeyTemplate routingKey,
    String queue,
    QueueType queueType,
    String binding,
    int connectTimeoutMillis,
    int heartbeatSeconds,
    SSLContext trust,
    String redactedUrl) {

  static final String DEFAULT_EXCHANGE = "streamll_events";
  static final Set<String> SOURCE_OPTIONS =
      Set.of(
          "exchange",
          "binding",
          "connect_timeout_ms",
          "heartbeat",
          "truststore",
          "truststore_password");
  static final Set<String> SINK_OPTIONS =
      Stream.concat(
              SOURCE_OPTIONS.stream(), Stream.of("declare", "routing_key", "queue", "queue_type"))
          .collect(Collectors.toUnmodifiableSet());

  /**
   * Reads {@code url}, accepting only {@code allowed} options.
   *
   * @throws IllegalArgumentException naming the option or URL part at fault and the fix
   */
  static RabbitMqSettings parse(SinkUrl url, Set<String> allowed) {
    for (String key : url.options().keySet()) {
      if (!allowed.contains(key)) {
        throw new IllegalArgumentException(
            "unknown option '"
                + key
                + "' in "
                + url.redacted()
                + "; known options: "
                + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    if (url.uri().getRawFragment() != null) {
      throw new IllegalArgumentException(
          "RabbitMQ URL "
              + url.redacted()
              + " contains '#', which starts a URL fragment; write '#' in binding patterns as %23"
              + " (binding=%23, binding=ChatBot.%23) and '{' '}' in routing_key as %7B %7D");
    }
    boolean tls = url.scheme().equals("amqps");
    String host = url.host();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(
          "RabbitMQ URL "
              + url.redacted()
              + " has no host; write it as "
              + url.scheme()
              + "://user:password@host:port/vhost");
    }
    String vhost = url.path().isEmpty() ? "/" : url.path();
    String exchange = url.option("exchange", DEFAULT_EXCHANGE);
    if (exchange.isEmpty()) {
      throw new IllegalArgumentException(
          "option 'exchange' in "
              + url.redacted()
              + " must name a topic exchange (e.g. exchange=streamll_events), was '"
              + exchange
              + "'");
    }
    String queue = url.option("queue", null);
    if (queue != null && queue.isEmpty()) {
      throw new IllegalArgumentException(
          "option 'queue' in " + url.redacted() + " is empty; give a queue name or leave it out");
    }
    String binding = url.option("binding", "#");
    if (binding.isEmpty()) {
      throw new IllegalArgumentException(
          "option 'binding' in "
              + url.redacted()
              + " is empty; use e.g. binding=%23 (for #) or binding=*.error");
    }
    long connectTimeout = url.longOption("connect_timeout_ms", 10_000);
    if (connectTimeout < 1 || connectTimeout > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "option 'connect_timeout_ms' must be a positive number of milliseconds, was "
              + connectTimeout);
    }
    long heartbeat = url.longOption("heartbeat", 30);
    if (heartbeat < 0 || heartbeat > 65_535) {
      throw new IllegalArgumentException(
          "option 'heartbeat' must be 0 (off) to 65535 seconds, was " + heartbeat);
    }
    String truststore = url.option("truststore", null);
    if (truststore == null && url.option("truststore_password", null) != null) {
      throw new IllegalArgumentException(
          "option 'truststore_password' in "
              + url.redacted()
              + " has no 'truststore' to open; add truststore=/path/to/ca.p12 or leave the password"
              + " out");
    }
    if (truststore != null && !tls) {
      throw new IllegalArgumentException(
          "option 'truststore' in "
              + url.redacted()
              + " applies to TLS connections: use amqps:// (port 5671 by default)");
    }
    SSLContext trust =
        truststore == null
            ? null
            : TrustStores.load(
                Path.of(truststore), url.option("truststore_password", null), url.redacted());
    return new RabbitMqSettings(
        url.scheme(),
        host,
        url.port(tls ? 5671 : 5672),
        url.user() == null ? "guest" : url.user(),
        url.password() == null ? "guest" : url.password(),
        vhost,
        exchange,
        url.booleanOption("declare", true),
        RoutingKeyTemplate.parse(url.option("routing_key", RoutingKeyTemplate.DEFAULT)),
        queue,
        QueueType.parse(url.option("queue_type", "classic")),
        binding,
        (int) connectTimeout,
        (int) heartbeat,
        trust,
        url.redacted());
  }

  boolean tls() {
    return scheme.equals("amqps");
  }

  /** A credential-free name, also the base of the forwarder's cursor name. */
  String name() {
    return scheme
        + "://"
        + host
        + ":"
        + port
        + "/"
        + URLEncoder.encode(vhost, StandardCharsets.UTF_8)
        + "?exchange="
        + exchange;
  }

  @Override
  public String toString() {
    return redactedUrl;
  }
}
