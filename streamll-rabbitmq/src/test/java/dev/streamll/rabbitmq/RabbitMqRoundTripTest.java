package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;
import dev.streamll.FlushResult;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sinks;
import dev.streamll.testing.EventSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RabbitMqRoundTripTest {
  private final EventCodec codec = new EventCodec();
  private TestBroker broker;

  @BeforeEach
  void connect() throws Exception {
    broker = new TestBroker("roundtrip");
  }

  @AfterEach
  void cleanUp() throws Exception {
    broker.close();
  }

  private static List<StreamllEvent> sampleEvents() {
    List<StreamllEvent> events = new ArrayList<>();
    String[] modules = {"ChatBot", "Retriever", "billing.v2"};
    String[] types = {"start", "token", "end", "error"};
    for (String module : modules) {
      for (String type : types) {
        for (int i = 0; i < 3; i++) {
          events.add(
              StreamllEvent.builder()
                  .moduleName(module)
                  .methodName("forward")
                  .operation("llm_call")
                  .eventType(type)
                  .data("i", i)
                  .tag("customer_id", "c-" + i)
                  .build());
        }
      }
    }
    return events;
  }

  @Test
  void eachBindingReceivesExactlyTheEventsItMatches() throws Exception {
    String exchange = broker.exchangeName("routing");
    broker.declareTopic(exchange);
    String errors = broker.boundQueue(exchange, "errors", "*.error");
    String chatBot = broker.boundQueue(exchange, "chatbot", "ChatBot.#");
    String all = broker.boundQueue(exchange, "all", "#");
    List<StreamllEvent> events = sampleEvents();

    try (Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink(TestBroker.url("exchange=" + exchange))
                .build())) {
      events.forEach(streamll::emit);
      FlushResult flush = streamll.flush(Duration.ofSeconds(30));
      assertThat(flush.complete()).as("flush %s", flush).isTrue();
    }

    assertThat(ids(broker.drain(errors)))
        .containsExactlyInAnyOrderElementsOf(
            ids(events.stream().filter(e -> e.eventType().equals("error")).toList()));
    assertThat(ids(broker.drain(chatBot)))
        .containsExactlyInAnyOrderElementsOf(
            ids(events.stream().filter(e -> e.moduleName().equals("ChatBot")).toList()));
    List<GetResponse> everything = broker.drain(all);
    assertThat(ids(everything)).containsExactlyInAnyOrderElementsOf(ids(events));

    Map<String, StreamllEvent> byId =
        events.stream().collect(Collectors.toMap(StreamllEvent::eventId, e -> e));
    for (GetResponse message : everything) {
      EventSchema.assertValid(message.getBody());
      AMQP.BasicProperties props = message.getProps();
      StreamllEvent sent = byId.get(props.getMessageId());
      StreamllEvent received = codec.decode(message.getBody());
      assertThat(received.eventId()).isEqualTo(sent.eventId());
      assertThat(received.data()).containsEntry("i", sent.data().get("i"));
      assertThat(props.getContentType()).isEqualTo("application/json");
      assertThat(props.getDeliveryMode()).isEqualTo(2);
      assertThat(props.getTimestamp().getTime())
          .isEqualTo(sent.timestamp().getEpochSecond() * 1000);
      assertThat(props.getHeaders())
          .extractingByKeys("event_type", "module_name", "operation", "schema_version")
          .map(String::valueOf)
          .containsExactly(sent.eventType(), sent.moduleName(), "llm_call", "1.0");
      assertThat(message.getEnvelope().getRoutingKey())
          .isEqualTo(sent.moduleName().replace('.', '_') + "." + sent.eventType());
    }
  }

  @Test
  void customRoutingKeyTemplateAndDeclaredQuorumQueue() throws Exception {
    String exchange = broker.exchangeName("quorum");
    String queue = broker.queueName("quorum");
    broker.exchangeName("quorum-unused");
    String url =
        TestBroker.url(
            "exchange="
                + exchange
                + "&routing_key=app.%7Boperation%7D.%7Bmethod_name%7D.%7Bevent_type%7D"
                + "&queue="
                + queue
                + "&queue_type=quorum&binding=app.llm_call.%23");
    StreamllEvent event =
        StreamllEvent.builder()
            .moduleName("ChatBot")
            .methodName("ask.twice")
            .operation("llm_call")
            .eventType("end")
            .build();

    try (Streamll streamll =
        Streamll.create(StreamllConfig.builder().inMemoryJournal().sink(url).build())) {
      streamll.emit(event);
      assertThat(streamll.flush(Duration.ofSeconds(30)).complete()).isTrue();
    }

    // Re-declaring with x-queue-type=quorum succeeds only if the sink declared a quorum queue.
    broker.channel().queueDeclare(queue, true, false, false, Map.of("x-queue-type", "quorum"));
    List<GetResponse> messages = broker.drain(queue);
    assertThat(messages).hasSize(1);
    assertThat(messages.get(0).getEnvelope().getRoutingKey())
        .isEqualTo("app.llm_call.ask_twice.end");
    EventSchema.assertValid(new String(messages.get(0).getBody(), StandardCharsets.UTF_8));
  }

  @Test
  void aRecordThatIsNotAnEventIsSkippedLoudlyAndTheRestDelivered() throws Exception {
    String exchange = broker.exchangeName("undecodable");
    String queue = broker.queueName("undecodable");
    RabbitMqSink sink =
        (RabbitMqSink) Sinks.create(TestBroker.url("exchange=" + exchange + "&queue=" + queue));
    StreamllEvent good = StreamllEvent.builder().moduleName("ChatBot").eventType("end").build();
    try {
      sink.start();
      sink.write(
          List.of(
              new EncodedEvent(0, "not json".getBytes(StandardCharsets.UTF_8), codec),
              EncodedEvent.of(1, good, codec)));
    } finally {
      sink.close();
    }
    assertThat(sink.undecodableSkipped()).isEqualTo(1);
    assertThat(ids(broker.drain(queue))).containsExactly(good.eventId());
  }

  private static Set<String> ids(List<?> items) {
    Set<String> ids = new HashSet<>();
    List<String> all = new ArrayList<>();
    for (Object item : items) {
      String id =
          item instanceof GetResponse
              ? ((GetResponse) item).getProps().getMessageId()
              : ((StreamllEvent) item).eventId();
      all.add(id);
      ids.add(id);
    }
    assertThat(all).as("no message delivered twice").hasSameSizeAs(ids);
    return ids;
  }
}
