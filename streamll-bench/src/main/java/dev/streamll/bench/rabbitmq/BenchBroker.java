package dev.streamll.bench.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A throwaway durable topic exchange and durable queue bound with {@code #} for one benchmark run,
 * so persistent messages really go to disk before the broker confirms them; deleted on close.
 */
final class BenchBroker implements AutoCloseable {
  final String baseUrl;
  final String exchange;
  final String queue;
  final Connection connection;
  private final Channel admin;

  BenchBroker(String baseUrl, String queueType)
      throws IOException, TimeoutException, URISyntaxException, GeneralSecurityException {
    this.baseUrl = baseUrl;
    String id = UUID.randomUUID().toString().substring(0, 8);
    this.exchange = "bench-" + id;
    this.queue = "bench-" + id + "-all";
    this.connection = factory(baseUrl).newConnection("streamll-bench admin");
    this.admin = connection.createChannel();
    admin.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
    admin.queueDeclare(queue, true, false, false, Map.of("x-queue-type", queueType));
    admin.queueBind(queue, exchange, "#");
  }

  static ConnectionFactory factory(String url) throws URISyntaxException, GeneralSecurityException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(url);
    factory.setAutomaticRecoveryEnabled(false);
    return factory;
  }

  /** The StreamLL sink URL for this exchange. */
  String sinkUrl() {
    return baseUrl + (baseUrl.contains("?") ? "&" : "?") + "exchange=" + exchange;
  }

  void purge() throws IOException {
    admin.queuePurge(queue);
  }

  @Override
  public void close() throws IOException {
    admin.queueDelete(queue);
    admin.exchangeDelete(exchange);
    connection.close();
  }
}
