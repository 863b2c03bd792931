package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import dev.streamll.event.StreamllEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Replays a journal into the RabbitMQ at 127.0.0.1:5672 and counts what arrived. */
class ReplayToRabbitMqTest {
  @TempDir Path dir;

  private final JournalWriters writers = new JournalWriters();
  private final String name = "streamll_cli_replay_" + UUID.randomUUID();

  @AfterEach
  void cleanUp() throws Exception {
    writers.close();
    try (Connection connection = connect();
        Channel channel = connection.createChannel()) {
      channel.queueDelete(name);
      channel.exchangeDelete(name);
    }
  }

  private static Connection connect() throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setHost("127.0.0.1");
    factory.setPort(5672);
    return factory.newConnection("streamll-cli-test");
  }

  @Test
  void everyEventArrivesOnceAndInOrder() throws Exception {
    Events events = new Events(writers.open(dir.resolve("journal")), Instant.now());
    List<StreamllEvent> stored = new ArrayList<>();
    for (int i = 0; i < 250; i++) {
      stored.addAll(events.span("M" + (i % 4), "1", 0.1, i % 9 == 0, 2, Map.of()));
    }
    String target = "amqp://guest:guest@127.0.0.1:5672?exchange=" + name + "&queue=" + name;

    CliHarness.Result result = new CliHarness(dir).run("replay", "journal", "--to", target);

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).contains("1000 delivered, 0 failed");
    List<String> received = new ArrayList<>();
    try (Connection connection = connect();
        Channel channel = connection.createChannel()) {
      GetResponse message;
      while ((message = channel.basicGet(name, true)) != null) {
        received.add(new String(message.getBody(), StandardCharsets.UTF_8));
      }
    }
    List<String> sent = stored.stream().map(Events.CODEC::encodeToString).toList();
    assertThat(new HashSet<>(received)).as("no duplicates").hasSameSizeAs(received);
    assertThat(received).as("none lost, in journal order").containsExactlyElementsOf(sent);
  }
}
