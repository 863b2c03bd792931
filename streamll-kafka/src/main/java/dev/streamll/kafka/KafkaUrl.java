package dev.streamll.kafka;

import dev.streamll.sink.SinkUrl;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A parsed {@code kafka://[user:password@]host:port[,host:port…]/topic?…} address.
 *
 * <p>Query options carry Kafka client properties by prefix: {@code producer.<name>} for the sink,
 * {@code consumer.<name>} for the source, {@code kafka.<name>} for both (security settings, so the
 * same URL works for emitting and for {@code streamll tail}). A user and password in the URL mean
 * SASL/PLAIN over TLS ({@code security.protocol=SASL_SSL}, as Confluent Cloud uses) unless the
 * options say otherwise.
 *
 * @param bootstrapServers the {@code bootstrap.servers} value, each host with a port (default 9092)
 * @param topic the topic
 * @param common properties for producer and consumer
 * @param producer properties for the sink only
 * @param consumer properties for the source only
 */
record KafkaUrl(
    String bootstrapServers,
    String topic,
    Map<String, String> common,
    Map<String, String> producer,
    Map<String, String> consumer) {

  static final int DEFAULT_PORT = 9092;
  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern HOST_PORT = Pattern.compile("\\[?[A-Za-z0-9._:-]+\\]?(:\\d{1,5})?");

  KafkaUrl {
    common = Map.copyOf(common);
    producer = Map.copyOf(producer);
    consumer = Map.copyOf(consumer);
  }

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException naming the part of the URL that is wrong and the fix
   */
  static KafkaUrl parse(SinkUrl url) {
    String authority = url.uri().getRawAuthority();
    if (authority == null || authority.isEmpty()) {
      throw new IllegalArgumentException(
          "Kafka URL '"
              + url.redacted()
              + "' has no brokers; write kafka://host:9092[,host2:9092]/topic");
    }
    Map<String, String> common = new LinkedHashMap<>();
    Map<String, String> producer = new LinkedHashMap<>();
    Map<String, String> consumer = new LinkedHashMap<>();
    int at = authority.lastIndexOf('@');
    String hosts = at < 0 ? authority : authority.substring(at + 1);
    String servers = bootstrapServers(hosts, url);
    String topic = url.path();
    if (!TOPIC.matcher(topic).matches()) {
      throw new IllegalArgumentException(
          "Kafka URL '"
              + url.redacted()
              + "' needs a topic after the brokers, made of letters, digits, '.', '_' or '-' (at"
              + " most 249), e.g. kafka://localhost:9092/streamll_events; was '"
              + topic
              + "'");
    }
    for (Map.Entry<String, String> option : url.options().entrySet()) {
      String key = option.getKey();
      if (key.startsWith("producer.") && key.length() > 9) {
        producer.put(key.substring(9), option.getValue());
      } else if (key.startsWith("consumer.") && key.length() > 9) {
        consumer.put(key.substring(9), option.getValue());
      } else if (key.startsWith("kafka.") && key.length() > 6) {
        common.put(key.substring(6), option.getValue());
      } else {
        throw new IllegalArgumentException(
            "unknown option '"
                + key
                + "' in "
                + KafkaSink.describe(servers, topic)
                + ": pass Kafka client properties as producer.<property> (sink),"
                + " consumer.<property> (tail) or kafka.<property> (both), e.g."
                + " producer.linger.ms=10");
      }
    }
    if (at >= 0) {
      plainLogin(authority.substring(0, at), common);
    }
    return new KafkaUrl(servers, topic, common, producer, consumer);
  }

  private static String bootstrapServers(String hosts, SinkUrl url) {
    StringBuilder servers = new StringBuilder();
    for (String host : hosts.split(",")) {
      if (host.isEmpty() || !HOST_PORT.matcher(host).matches()) {
        throw new IllegalArgumentException(
            "Kafka URL '"
                + url.redacted()
                + "' has an invalid broker address '"
                + host
                + "'; list brokers as host:port separated by commas");
      }
      if (servers.length() > 0) {
        servers.append(',');
      }
      boolean hasPort = host.matches(".*:\\d{1,5}") && !host.endsWith("]");
      servers.append(hasPort ? host : host + ":" + DEFAULT_PORT);
    }
    return servers.toString();
  }

  private static void plainLogin(String userInfo, Map<String, String> common) {
    int colon = userInfo.indexOf(':');
    String user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
    String password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
    common.putIfAbsent("security.protocol", "SASL_SSL");
    common.putIfAbsent("sasl.mechanism", "PLAIN");
    common.putIfAbsent(
        "sasl.jaas.config",
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
            + jaasEscape(user)
            + "\" password=\""
            + jaasEscape(password)
            + "\";");
  }

  // Percent-decoding only: a '+' in a password is a plus, not a space.
  private static String decode(String text) {
    return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static String jaasEscape(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
