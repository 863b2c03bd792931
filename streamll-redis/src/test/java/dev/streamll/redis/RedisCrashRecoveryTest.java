package dev.streamll.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.Range;
import io.lettuce.core.RedisClient;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process emits while its Redis is down and is killed with SIGKILL once the events are in its
 * file journal; a new process on the same journal delivers all of them once Redis is up.
 */
class RedisCrashRecoveryTest {
  private static final int EVENTS = 10_000;
  private static final Pattern INDEX = Pattern.compile("\"i\":(\\d+)");

  @TempDir Path dir;

  @Test
  void killedWhileRedisIsDown_newProcessDeliversEverything() throws Exception {
    int port = RedisServerProcess.freePort();
    Path journal = dir.resolve("journal");
    String url = "redis://127.0.0.1:" + port + "/crash?timeout=2s";

    Process emitter = child("emit", journal.toString(), url, Integer.toString(EVENTS));
    String line = readLine(emitter, "JOURNALED");
    assertThat(line).isEqualTo("JOURNALED " + EVENTS);
    emitter.destroyForcibly();
    assertThat(emitter.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(emitter.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    try (RedisServerProcess redis = RedisServerProcess.start(dir.resolve("redis"), port)) {
      Process deliverer = child("deliver", journal.toString(), url);
      String delivered = readLine(deliverer, "DELIVERED");
      assertThat(deliverer.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(deliverer.exitValue()).as(delivered).isZero();

      Map<Integer, Integer> counts = readIndexes(redis.url());
      int lost = 0;
      for (int i = 0; i < EVENTS; i++) {
        if (!counts.containsKey(i)) {
          lost++;
        }
      }
      int duplicates = counts.values().stream().mapToInt(c -> c - 1).sum();
      System.out.printf(
          "crash recovery: emitted %,d, distinct received %,d, lost %d, duplicates %d%n",
          EVENTS, counts.size(), lost, duplicates);
      assertThat(lost).isZero();
      assertThat(counts).hasSize(EVENTS);
    }
  }

  private Process child(String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CrashRecoveryChild.class.getName()));
    for (String arg : args) {
      command.add(arg);
    }
    return new ProcessBuilder(command)
        .redirectError(dir.resolve("child-" + args[0] + ".log").toFile())
        .start();
  }

  /** The first stdout line of {@code process} containing {@code marker} (or its last line). */
  private static String readLine(Process process, String marker) throws IOException {
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String line;
    String last = "(no output)";
    while ((line = out.readLine()) != null) {
      last = line;
      if (line.contains(marker)) {
        return line;
      }
    }
    return last;
  }

  private static Map<Integer, Integer> readIndexes(String url) {
    RedisClient client = RedisClient.create(url);
    Map<Integer, Integer> counts = new HashMap<>();
    try (StatefulRedisConnection<String, String> connection = client.connect()) {
      for (StreamMessage<String, String> entry :
          connection.sync().xrange("crash", Range.create("-", "+"))) {
        Matcher m = INDEX.matcher(entry.getBody().get("event"));
        assertThat(m.find()).isTrue();
        counts.merge(Integer.parseInt(m.group(1)), 1, Integer::sum);
      }
    } finally {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
    return counts;
  }
}
