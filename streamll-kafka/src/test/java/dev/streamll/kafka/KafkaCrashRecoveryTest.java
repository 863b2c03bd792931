package dev.streamll.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.FlushResult;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A process emitting while Kafka is down is killed with SIGKILL; a new process opening the same
 * file journal delivers every event once Kafka is back.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KafkaCrashRecoveryTest {
  private static final int EVENTS = 10_000;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startBroker() {
    broker =
        EmbeddedKafkaBroker.start(
            EmbeddedKafkaBroker.tempDir("streamll-kafka-crash"),
            Map.of("auto.create.topics.enable", "false"));
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void eventsJournaledBeforeAKill9AreDeliveredByTheNextProcess() throws Exception {
    String topic = EmbeddedKafkaBroker.uniqueTopic("crash");
    broker.createTopic(topic, 3, Map.of());
    Path journal = EmbeddedKafkaBroker.tempDir("streamll-crash-journal");
    String url =
        "kafka://"
            + broker.bootstrapServers()
            + "/"
            + topic
            + "?producer.max.block.ms=1000&producer.delivery.timeout.ms=2000"
            + "&producer.request.timeout.ms=1000";
    try {
      broker.stop();
      Path childLog = journal.resolveSibling(journal.getFileName() + ".child.log");
      Process child =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  CrashingEmitter.class.getName(),
                  journal.toString(),
                  url,
                  String.valueOf(EVENTS))
              .redirectError(childLog.toFile())
              .start();
      String report = awaitAppended(child);
      assertThat(report).startsWith(CrashingEmitter.APPENDED + EVENTS + " lag " + EVENTS);
      child.destroyForcibly(); // SIGKILL: no shutdown hooks, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(child.exitValue()).isEqualTo(137);
      Files.deleteIfExists(childLog);

      broker.restart();
      try (Streamll next =
          Streamll.create(StreamllConfig.builder().journalDirectory(journal).sink(url).build())) {
        FlushResult flushed = next.flush(Duration.ofSeconds(60));
        assertThat(flushed.complete()).as("delivery after restart: %s", flushed).isTrue();
      }

      List<ConsumerRecord<byte[], byte[]>> records =
          TopicReader.readAll(broker.bootstrapServers(), topic, EVENTS, Duration.ofSeconds(30));
      ObjectMapper json = new ObjectMapper();
      BitSet seen = new BitSet(EVENTS);
      int duplicates = 0;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        int seq = json.readTree(record.value()).get("data").get("seq").asInt();
        if (seen.get(seq)) {
          duplicates++;
        }
        seen.set(seq);
      }
      System.out.printf(
          "KafkaCrashRecoveryTest: journaled=%d received=%d lost=%d duplicates=%d%n",
          EVENTS, records.size(), EVENTS - seen.cardinality(), duplicates);
      assertThat(seen.cardinality()).as("distinct events delivered").isEqualTo(EVENTS);
      assertThat(duplicates).as("duplicates (nothing was sent before the kill)").isZero();
    } finally {
      broker.restart();
      deleteTree(journal);
    }
  }

  private static String awaitAppended(Process child) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith(CrashingEmitter.APPENDED)) {
        return line;
      }
    }
    throw new AssertionError("child exited before journaling its events: " + child.exitValue());
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }
}
