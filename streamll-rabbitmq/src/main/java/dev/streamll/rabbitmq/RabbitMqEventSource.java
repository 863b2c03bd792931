package dev.streamll.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import dev.streamll.event.EventCodec;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.source.EventSource;
import java.io.IOException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;

/**
 * Reads events as they are published: a temporary, exclusive, server-named queue bound to the
 * exchange with option {@code binding} (default {@code #}). An exchange keeps no history, so the
 * source only ever sees events published after {@link #read} bound its queue, and {@code read}
 * without {@code follow} returns at once. The queue disappears with the connection.
 */
public final class RabbitMqEventSource implements EventSource {
  private static final int PREFETCH = 256;

  private final RabbitMqSettings settings;
  private final EventCodec codec = new EventCodec();
  private final Connection connection;
  private volatile boolean closed;

  /** A message, or the reason the consumer stopped. */
  private record Item(long deliveryTag, byte[] body, String stopReason) {}

  RabbitMqEventSource(RabbitMqSettings settings) {
    this.settings = settings;
    this.connection = BrokerConnections.open(settings, "streamll-tail " + settings.name());
  }

  @Override
  public String name() {
    return settings.name() + "&binding=" + settings.binding();
  }

  @Override
  public void read(boolean follow, EventHandler handler) {
    if (!follow || closed) {
      return;
    }
    Channel channel = null;
    try {
      channel = connection.createChannel();
      checkExchange(channel);
      String queue = channel.queueDeclare().getQueue();
      channel.queueBind(queue, settings.exchange(), settings.binding());
      channel.basicQos(PREFETCH);
      BlockingQueue<Item> inbox = new LinkedBlockingQueue<>();
      channel.basicConsume(queue, false, "streamll-tail", new InboxConsumer(channel, inbox));
      deliver(channel, inbox, handler);
    } catch (IOException | RuntimeException e) {
      if (closed) {
        return;
      }
      if (e instanceof SinkException) {
        throw (SinkException) e;
      }
      throw new SinkException(
          name()
              + ": reading with binding '"
              + settings.binding()
              + "' failed: "
              + BrokerErrors.describe(e),
          e);
    } finally {
      if (channel != null) {
        closeQuietly(channel);
      }
    }
  }

  private void checkExchange(Channel channel) throws IOException {
    try {
      channel.exchangeDeclarePassive(settings.exchange());
    } catch (IOException e) {
      if (closed || BrokerErrors.replyCode(e) != AMQP.NOT_FOUND) {
        throw e;
      }
      throw new SinkException(
          name()
              + ": option 'exchange': exchange '"
              + settings.exchange()
              + "' does not exist in vhost '"
              + settings.vhost()
              + "' — check the exchange name (the sink's default is streamll_events) or start"
              + " the sink first",
          e);
    }
  }

  private void deliver(Channel channel, BlockingQueue<Item> inbox, EventHandler handler)
      throws IOException {
    long position = 0;
    try {
      while (!closed) {
        Item item = inbox.take();
        if (item.stopReason != null) {
          if (closed) {
            return;
          }
          throw new SinkException(name() + ": " + item.stopReason);
        }
        boolean more = handler.onEvent(new EncodedEvent(position++, item.body, codec));
        channel.basicAck(item.deliveryTag, false);
        if (!more) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Channel channel) {
    if (channel.isOpen()) {
      try {
        channel.close();
      } catch (IOException | TimeoutException | ShutdownSignalException e) {
        // The connection is going away with it; nothing is left to release.
        return;
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    connection.abort(2_000);
  }

  /** Hands deliveries to the reading thread, so the handler never runs on amqp-client's pool. */
  private static final class InboxConsumer extends DefaultConsumer {
    private final BlockingQueue<Item> inbox;

    InboxConsumer(Channel channel, BlockingQueue<Item> inbox) {
      super(channel);
      this.inbox = inbox;
    }

    @Override
    public void handleDelivery(
        String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
      inbox.add(new Item(envelope.getDeliveryTag(), body, null));
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
      inbox.add(
          new Item(-1, null, "connection lost while tailing: " + BrokerErrors.describe(signal)));
    }

    @Override
    public void handleCancel(String consumerTag) {
      inbox.add(new Item(-1, null, "the broker cancelled the tail consumer (queue deleted?)"));
    }
  }
}
