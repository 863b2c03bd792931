package dev.streamll.rabbitmq.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.testing.EventSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class LoanAuditConsumerTest {

  @Test
  void storesEveryLoanEventOnceAndNothingElse() throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String exchange = "it-audit-x-" + suffix;
    String auditQueue = "it-audit-q-" + suffix;
    String chatQueue = "it-audit-chat-" + suffix;
    Map<String, String> stored = new ConcurrentHashMap<>();
    AtomicBoolean failedOnce = new AtomicBoolean();
    LoanAuditConsumer.AuditStore store =
        (eventId, routingKey, json) -> {
          if (failedOnce.compareAndSet(false, true)) {
            throw new IllegalStateException("database briefly unavailable");
          }
          EventSchema.assertValid(json);
          stored.putIfAbsent(eventId, routingKey);
        };
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    String base = "amqp://guest:guest@127.0.0.1:5672/?exchange=" + exchange;

    try (Connection connection = factory.newConnection("audit-test")) {
      LoanAuditConsumer consumer = new LoanAuditConsumer(connection, exchange, auditQueue, store);
      try (Streamll loans =
              Streamll.create(
                  StreamllConfig.builder()
                      .inMemoryJournal()
                      .sink(base + "&routing_key=loan.%7Bmodule_name%7D.%7Bevent_type%7D")
                      .build());
          Streamll chat =
              Streamll.create(
                  StreamllConfig.builder()
                      .inMemoryJournal()
                      .sink(base + "&queue=" + chatQueue + "&binding=ChatBot.%23")
                      .build())) {
        List<StreamllEvent> loanEvents =
            List.of(
                StreamllEvent.builder().moduleName("underwriting").eventType("start").build(),
                StreamllEvent.builder().moduleName("underwriting").eventType("end").build(),
                StreamllEvent.builder().moduleName("pricing").eventType("error").build());
        loanEvents.forEach(loans::emit);
        chat.emit(StreamllEvent.builder().moduleName("ChatBot").eventType("start").build());
        assertThat(loans.flush(Duration.ofSeconds(10)).complete()).isTrue();
        assertThat(chat.flush(Duration.ofSeconds(10)).complete()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> stored.size() == loanEvents.size());
        assertThat(stored)
            .containsOnlyKeys(loanEvents.stream().map(StreamllEvent::eventId).toList())
            .containsValues("loan.underwriting.start", "loan.pricing.error");
        assertThat(failedOnce).isTrue();
      } finally {
        consumer.close();
        try (var cleanup = connection.createChannel()) {
          cleanup.queueDelete(auditQueue);
          cleanup.queueDelete(chatQueue);
          cleanup.exchangeDelete(exchange);
        }
      }
    }
  }
}
