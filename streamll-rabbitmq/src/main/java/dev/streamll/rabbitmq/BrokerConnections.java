package dev.streamll.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.streamll.sink.SinkException;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * Opens connections with amqp-client's automatic recovery switched off: after a connection is lost
 * the sink's forwarder decides when to retry and re-sends every unconfirmed message, which a
 * recovered connection could not do (its publisher-confirm sequence numbers restart at 1).
 */
final class BrokerConnections {
  private BrokerConnections() {}

  static Connection open(RabbitMqSettings s, String clientName) {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(s.host());
    factory.setPort(s.port());
    factory.setUsername(s.user());
    factory.setPassword(s.password());
    factory.setVirtualHost(s.vhost());
    factory.setAutomaticRecoveryEnabled(false);
    factory.setTopologyRecoveryEnabled(false);
    factory.setConnectionTimeout(s.connectTimeoutMillis());
    factory.setHandshakeTimeout(s.connectTimeoutMillis());
    factory.setChannelRpcTimeout(Math.max(s.connectTimeoutMillis(), 10_000));
    factory.setShutdownTimeout(1_000);
    factory.setRequestedHeartbeat(s.heartbeatSeconds());
    if (s.tls()) {
      try {
        // Without a truststore option, the JVM's default trust: the same trust a browser gives the
        // public CAs behind Amazon MQ and CloudAMQP endpoints. Host names are checked either way.
        factory.useSslProtocol(s.trust() != null ? s.trust() : SSLContext.getDefault());
      } catch (NoSuchAlgorithmException e) {
        throw new SinkException(s.redactedUrl() + ": this JVM has no TLS support: " + e, e);
      }
      factory.enableHostnameVerification();
    }
    try {
      return factory.newConnection(clientName);
    } catch (IOException | TimeoutException | RuntimeException e) {
      throw new SinkException(BrokerErrors.connectFailure(s, e), e);
    }
  }
}
