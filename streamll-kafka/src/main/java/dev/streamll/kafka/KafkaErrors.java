package dev.streamll.kafka;

import dev.streamll.sink.SinkException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.errors.UnsupportedCompressionTypeException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Turns Kafka client exceptions into {@link SinkException}s that say which setting is at fault and
 * how to fix it. Kafka's own message is kept at the end, so nothing it said is lost.
 */
final class KafkaErrors {

  private KafkaErrors() {}

  /**
   * Explains {@code error} for the sink or source {@code name} writing to or reading {@code topic}.
   *
   * @param settings the effective client properties, for quoting configured limits
   */
  static SinkException explain(
      String name, String topic, Map<String, Object> settings, Throwable error) {
    String kafka = error.getClass().getSimpleName() + ": " + error.getMessage();
    String message;
    if (error instanceof TopicAuthorizationException) {
      message =
          "not authorized for topic '"
              + topic
              + "'. Grant the client's principal WRITE and DESCRIBE on the topic (READ and DESCRIBE"
              + " to tail it), e.g. kafka-acls.sh --add --allow-principal User:<name> --operation"
              + " Write --operation Describe --topic "
              + topic
              + ", and check that sasl.jaas.config names that principal";
    } else if (error instanceof ClusterAuthorizationException) {
      message =
          "not authorized on the cluster; an idempotent producer needs IDEMPOTENT_WRITE on older"
              + " brokers (before 2.8). Grant it, or set producer.enable.idempotence=false (retries"
              + " may then duplicate events) with"
              + " producer.max.in.flight.requests.per.connection=1 (or retries may reorder them)";
    } else if (error instanceof AuthorizationException) {
      message = "not authorized: check the ACLs for the client's principal";
    } else if (error instanceof SslAuthenticationException) {
      message =
          "TLS handshake with the broker failed ("
              + rootCause(error)
              + "): the client must trust the broker's certificate (ssl.truststore.location and"
              + " ssl.truststore.password, or ssl.truststore.type=PEM with"
              + " ssl.truststore.certificates; not needed for a certificate from a public CA), that"
              + " certificate must name the host given in bootstrap.servers, and a broker that"
              + " requires client certificates (ssl.client.auth=required) needs the client's in"
              + " ssl.keystore.location and ssl.keystore.password. security.protocol is SSL, or"
              + " SASL_SSL with SASL";
    } else if (error instanceof AuthenticationException) {
      message =
          "authentication failed: check security.protocol, sasl.mechanism and sasl.jaas.config"
              + " (pass them as kafka.<property> options or builder properties), and for TLS the"
              + " truststore (ssl.truststore.location)";
    } else if (error instanceof RecordTooLargeException
        || error instanceof RecordBatchTooLargeException) {
      message = tooLarge(error, settings);
    } else if (error instanceof UnknownTopicOrPartitionException) {
      message = missingTopicMessage(topic, settings);
    } else if (noMetadata(error)) {
      // Kafka says the same when the brokers are down and when the topic does not exist.
      message =
          "no metadata for topic '"
              + topic
              + "' within max.block.ms ("
              + settings.get("max.block.ms")
              + " ms): is a broker reachable at bootstrap.servers ("
              + settings.get("bootstrap.servers")
              + ")? If it is, the topic does not exist and the broker does not create topics on"
              + " first use (auto.create.topics.enable=false): create it with kafka-topics.sh"
              + " --create --topic "
              + topic
              + ". The events stay in the journal and are retried";
    } else if (error instanceof TimeoutException) {
      message =
          "Kafka did not acknowledge within delivery.timeout.ms ("
              + settings.get("delivery.timeout.ms")
              + " ms): is a broker reachable at bootstrap.servers ("
              + settings.get("bootstrap.servers")
              + ") and does advertised.listeners name an address this host can reach? The events"
              + " stay in the journal and are retried";
    } else if (error instanceof UnsupportedCompressionTypeException) {
      Object rejected = settings.get("compression.type");
      List<String> others =
          Stream.of("lz4", "gzip", "none").filter(type -> !type.equals(rejected)).toList();
      message =
          "the broker does not accept compression.type "
              + rejected
              + ": set producer.compression.type="
              + String.join(" or ", others);
    } else if (error instanceof UnsupportedVersionException) {
      message =
          "the broker does not support a feature this client needs (idempotent produce needs"
              + " Kafka 0.11+, zstd compression 2.1+): upgrade the broker, or set"
              + " producer.compression.type=lz4 or producer.enable.idempotence=false (with"
              + " producer.max.in.flight.requests.per.connection=1 to keep order)";
    } else {
      message = "Kafka rejected the batch";
    }
    return new SinkException(name + ": " + message + " [" + kafka + "]", error);
  }

  /**
   * The innermost cause, where a TLS failure says what went wrong (an untrusted certificate, a host
   * name mismatch, an alert from the broker).
   */
  private static String rootCause(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  /** Whether the producer must be replaced before it can send again after {@code error}. */
  static boolean isFatal(Throwable error) {
    return error instanceof AuthenticationException
        || error instanceof AuthorizationException
        || error instanceof ProducerFencedException
        || error instanceof OutOfOrderSequenceException
        || error instanceof UnsupportedVersionException
        || error instanceof IllegalStateException
        || (error instanceof KafkaException
            && String.valueOf(error.getMessage()).contains("closed"));
  }

  static String missingTopicMessage(String topic, Map<String, Object> settings) {
    return "topic '"
        + topic
        + "' does not exist and the broker does not create topics on first use"
        + " (auto.create.topics.enable=false). Create it, e.g. kafka-topics.sh --bootstrap-server "
        + settings.get("bootstrap.servers")
        + " --create --topic "
        + topic
        + " --partitions 6 --replication-factor 3, or correct the topic in the URL";
  }

  private static boolean noMetadata(Throwable error) {
    return error instanceof TimeoutException
        && String.valueOf(error.getMessage()).contains("not present in metadata");
  }

  private static String tooLarge(Throwable error, Map<String, Object> settings) {
    String text = String.valueOf(error.getMessage());
    if (text.contains("max.request.size")) {
      return "an event is larger than the producer's max.request.size ("
          + settings.get("max.request.size")
          + " bytes). Raise producer.max.request.size (and the topic's max.message.bytes to"
          + " match), or lower StreamllConfig.maxPayloadBytes so large events are truncated"
          + " before they reach Kafka";
    }
    if (text.contains("buffer.memory")) {
      return "an event is larger than the producer's buffer.memory ("
          + settings.get("buffer.memory")
          + " bytes): raise producer.buffer.memory or lower StreamllConfig.maxPayloadBytes";
    }
    return "the broker rejected a record batch as larger than it accepts: the topic's"
        + " max.message.bytes (broker default message.max.bytes, about 1 MiB) limits the"
        + " compressed batch. Raise max.message.bytes on the topic (kafka-configs.sh --alter"
        + " --entity-type topics --add-config max.message.bytes=…), or lower"
        + " StreamllConfig.maxPayloadBytes so large events are truncated before they reach"
        + " Kafka";
  }
}
