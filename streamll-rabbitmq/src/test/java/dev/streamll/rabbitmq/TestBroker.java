package dev.streamll.rabbitmq;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * A direct connection to the shared broker at 127.0.0.1:5672 for test set-up and checks. Every name
 * it hands out is unique to the test, and everything it names is deleted on close.
 */
final class TestBroker implements AutoCloseable {
  static final String HOST = "127.0.0.1";
  static final int PORT = 5672;

  private final Connection connection;
  private final Channel channel;
  private final String prefix;
  private final List<String> exchanges = new ArrayList<>();
  private final List<String> queues = new ArrayList<>();

  TestBroker(String testName) throws IOException, TimeoutException {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost(HOST);
    factory.setPort(PORT);
    factory.setAutomaticRecoveryEnabled(false);
    this.connection = factory.newConnection("streamll-test " + testName);
    this.channel = connection.createChannel();
    this.prefix = "it-" + testName + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  Connection connection() {
    return connection;
  }

  Channel channel() {
    return channel;
  }

  /** A fresh exchange name, deleted on close (whoever declares it). */
  String exchangeName(String suffix) {
    String name = prefix + "-x-" + suffix;
    exchanges.add(name);
    return name;
  }

  /** A fresh queue name, deleted on close (whoever declares it). */
  String queueName(String suffix) {
    String name = prefix + "-q-" + suffix;
    queues.add(name);
    return name;
  }

  void declareTopic(String exchange) throws IOException {
    channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
  }

  /** Declares a durable classic queue bound to {@code exchange} with each pattern. */
  String boundQueue(String exchange, String suffix, String... patterns) throws IOException {
    String queue = queueName(suffix);
    channel.queueDeclare(queue, true, false, false, Map.of());
    for (String pattern : patterns) {
      channel.queueBind(queue, exchange, pattern);
    }
    return queue;
  }

  /** Takes every message the queue holds now. */
  List<GetResponse> drain(String queue) throws IOException {
    List<GetResponse> messages = new ArrayList<>();
    GetResponse response;
    while ((response = channel.basicGet(queue, true)) != null) {
      messages.add(response);
    }
    return messages;
  }

  /** A sink URL for the shared broker with these query options. */
  static String url(String options) {
    return "amqp://guest:guest@" + HOST + ":" + PORT + "/?" + options;
  }

  @Override
  public void close() throws IOException, TimeoutException {
    try (Channel cleanup = connection.createChannel()) {
      for (String queue : queues) {
        cleanup.queueDelete(queue);
      }
      for (String exchange : exchanges) {
        cleanup.exchangeDelete(exchange);
      }
    } finally {
      connection.close();
    }
  }
}
