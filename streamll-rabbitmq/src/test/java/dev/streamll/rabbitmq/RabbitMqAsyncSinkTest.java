package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.client.GetResponse;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import dev.streamll.sink.Sinks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Several batches outstanding on one channel at once, against the real broker. Batches go through
 * an in-JVM TCP proxy that can be frozen, so that every batch is published before the broker sees
 * any of them: no confirm can arrive until the proxy thaws, which makes "outstanding at once"
 * certain rather than likely.
 */
class RabbitMqAsyncSinkTest {
  private static final long WAIT_SECONDS = 30;

  private final EventCodec codec = new EventCodec();
  private TestBroker broker;
  private TcpProxy proxy;
  private RabbitMqSink sink;
  private long sequence;

  @BeforeEach
  void setUp() throws Exception {
    broker = new TestBroker("async");
    proxy = new TcpProxy(TestBroker.HOST, TestBroker.PORT);
  }

  @AfterEach
  void tearDown() throws Exception {
    try {
      if (sink != null) {
        sink.close();
      }
    } finally {
      proxy.close();
      broker.close();
    }
  }

  private RabbitMqSink startSink(String exchange, boolean viaProxy) throws Exception {
    int port = viaProxy ? proxy.port() : TestBroker.PORT;
    sink =
        (RabbitMqSink)
            Sinks.create(
                "amqp://guest:guest@127.0.0.1:"
                    + port
                    + "/?connect_timeout_ms=2000&heartbeat=5&exchange="
                    + exchange);
    sink.start();
    return sink;
  }

  private List<EncodedEvent> batch(String module, int size, List<String> ids) {
    List<EncodedEvent> batch = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      StreamllEvent event =
          StreamllEvent.builder().moduleName(module).eventType("start").data("i", i).build();
      ids.add(event.eventId());
      batch.add(EncodedEvent.of(sequence++, event, codec));
    }
    return batch;
  }

  private static List<String> ids(List<GetResponse> messages) {
    return messages.stream().map(m -> m.getProps().getMessageId()).toList();
  }

  private static void assertConfirmed(CompletableFuture<Void> stage) throws Exception {
    stage.get(WAIT_SECONDS, TimeUnit.SECONDS);
    assertThat(stage).isCompleted();
  }

  private static void assertFailedWith(CompletableFuture<Void> stage, String... fragments) {
    assertThatThrownBy(() -> stage.get(WAIT_SECONDS, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(SinkException.class)
        .satisfies(
            e -> {
              for (String fragment : fragments) {
                assertThat(e.getMessage()).contains(fragment);
              }
            });
  }

  @Test
  void batchesOutstandingTogetherAreEachConfirmedAndArriveInOrder() throws Exception {
    String exchange = broker.exchangeName("pipelined");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "all", "#");
    startSink(exchange, true);

    List<String> sent = new ArrayList<>();
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    proxy.freeze(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    for (int b = 0; b < 6; b++) {
      stages.add(sink.writeAsync(batch("ChatBot", 25, sent)));
    }
    assertThat(stages).as("no confirm can pass the frozen proxy").noneMatch(s -> s.isDone());
    proxy.thaw();

    for (CompletableFuture<Void> stage : stages) {
      assertConfirmed(stage);
    }
    assertThat(ids(broker.drain(queue))).containsExactlyElementsOf(sent);
  }

  @Test
  void manyLargeBatchesInFlightDirectlyToTheBroker() throws Exception {
    String exchange = broker.exchangeName("many");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "all", "#");
    startSink(exchange, false);

    List<String> sent = new ArrayList<>();
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    for (int b = 0; b < 20; b++) {
      stages.add(sink.writeAsync(batch("Retriever", 250, sent)));
    }
    for (CompletableFuture<Void> stage : stages) {
      assertConfirmed(stage);
    }
    assertThat(ids(broker.drain(queue))).containsExactlyElementsOf(sent);
  }

  @Test
  void aReturnedMessageFailsOnlyItsOwnBatchAndTheNextWriteUsesAFreshChannel() throws Exception {
    String exchange = broker.exchangeName("returns");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "chatbot", "ChatBot.*");
    startSink(exchange, true);

    List<String> routed = new ArrayList<>();
    List<String> unroutable = new ArrayList<>();
    proxy.freeze(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    CompletableFuture<Void> before = sink.writeAsync(batch("ChatBot", 5, routed));
    List<EncodedEvent> mixed = new ArrayList<>(batch("ChatBot", 2, routed));
    mixed.addAll(batch("Retriever", 1, unroutable));
    mixed.addAll(batch("ChatBot", 2, routed));
    CompletableFuture<Void> returned = sink.writeAsync(mixed);
    CompletableFuture<Void> after = sink.writeAsync(batch("ChatBot", 5, routed));
    proxy.thaw();

    assertFailedWith(
        returned,
        "unroutable",
        "exchange '" + exchange + "'",
        "routing key 'Retriever.start'",
        "NO_ROUTE");
    assertConfirmed(before);
    assertConfirmed(after);

    CompletableFuture<Void> next = sink.writeAsync(batch("ChatBot", 5, routed));
    assertConfirmed(next);
    assertThat(ids(broker.drain(queue))).containsExactlyElementsOf(routed);
    assertThat(proxy.connectionsForwarded()).as("the failed channel was replaced").isEqualTo(2);
  }

  @Test
  void aNackFailsItsBatchWhileTheEarlierBatchIsConfirmed() throws Exception {
    String exchange = broker.exchangeName("nack");
    broker.declareTopic(exchange);
    String queue = broker.queueName("bounded");
    broker
        .channel()
        .queueDeclare(
            queue, true, false, false, Map.of("x-max-length", 3, "x-overflow", "reject-publish"));
    broker.channel().queueBind(queue, exchange, "#");
    startSink(exchange, true);

    List<String> accepted = new ArrayList<>();
    List<String> rejected = new ArrayList<>();
    proxy.freeze(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    CompletableFuture<Void> fits = sink.writeAsync(batch("ChatBot", 3, accepted));
    CompletableFuture<Void> overflows = sink.writeAsync(batch("ChatBot", 2, rejected));
    proxy.thaw();

    assertConfirmed(fits);
    assertFailedWith(overflows, "broker refused (nack)", "exchange '" + exchange + "'");
    assertThat(ids(broker.drain(queue))).containsExactlyElementsOf(accepted);
  }

  @Test
  void aLostConnectionFailsEveryOutstandingStageAndTheNextWriteSucceeds() throws Exception {
    String exchange = broker.exchangeName("loss");
    broker.declareTopic(exchange);
    String queue = broker.boundQueue(exchange, "all", "#");
    startSink(exchange, true);

    List<String> lost = new ArrayList<>();
    List<CompletableFuture<Void>> stages = new ArrayList<>();
    proxy.freeze(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
    for (int b = 0; b < 3; b++) {
      stages.add(sink.writeAsync(batch("ChatBot", 10, lost)));
    }
    proxy.cut(0);
    for (CompletableFuture<Void> stage : stages) {
      assertFailedWith(stage, "closed before all confirms arrived");
    }
    proxy.thaw();

    List<String> resent = new ArrayList<>();
    assertConfirmed(sink.writeAsync(batch("ChatBot", 10, resent)));
    assertThat(ids(broker.drain(queue))).endsWith(resent.toArray(String[]::new));
    assertThat(proxy.connectionsForwarded()).isEqualTo(2);
  }
}
