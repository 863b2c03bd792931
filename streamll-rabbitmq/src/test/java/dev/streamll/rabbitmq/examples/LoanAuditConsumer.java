package dev.streamll.rabbitmq.examples;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * An audit-trail consumer for events a StreamLL RabbitMQ sink publishes with {@code
 * routing_key=loan.{module_name}.{event_type}}: a durable quorum queue bound with {@code loan.#},
 * manual acks after the event is stored, and deduplication by {@code message_id} (the event id),
 * because delivery is at-least-once. This is the code shown in docs/sinks/rabbitmq.md.
 */
public final class LoanAuditConsumer implements AutoCloseable {

  /** Where audit records go, e.g. a database table with a unique key on the event id. */
  public interface AuditStore {
    /**
     * Stores one event; storing an event id that is already there must be a no-op.
     *
     * @throws Exception when the event could not be stored (it will be redelivered)
     */
    void append(String eventId, String routingKey, byte[] json) throws Exception;
  }

  private final Channel channel;

  public LoanAuditConsumer(Connection connection, String exchange, String queue, AuditStore store)
      throws IOException {
    channel = connection.createChannel();
    // Same declaration as the sink's, so either side may start first.
    channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
    channel.queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
    channel.queueBind(queue, exchange, "loan.#");
    // At most 100 unacknowledged events in this consumer at a time.
    channel.basicQos(100);
    channel.basicConsume(
        queue, false, "loan-audit", (tag, delivery) -> handle(delivery, store), tag -> {});
  }

  private void handle(Delivery delivery, AuditStore store) throws IOException {
    long deliveryTag = delivery.getEnvelope().getDeliveryTag();
    try {
      store.append(
          delivery.getProperties().getMessageId(),
          delivery.getEnvelope().getRoutingKey(),
          delivery.getBody());
    } catch (Exception e) {
      // Not stored: give it back so it is delivered again (to this or another consumer).
      channel.basicNack(deliveryTag, false, true);
      return;
    }
    // Ack only after the store has it: a crash before this line means redelivery, not loss.
    channel.basicAck(deliveryTag, false);
  }

  @Override
  public void close() throws IOException, TimeoutException {
    channel.close();
  }
}
