package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A consumer JVM is killed with SIGKILL while it works on a batch; another consumer finishes every
 * entry after the lease. Counts lost entries (must be 0) and duplicates (only entries the killed
 * consumer held, i.e. whose lease truly expired).
 */
class CrashRecoveryTest extends RedisStreams {

  static final RetryPolicy POLICY =
      RetryPolicy.maxAttempts(3).withBackoff(Duration.ofMillis(20), Duration.ofMillis(50));

  static boolean poison(int number) {
    return number % 40 == 0;
  }

  /** Records each completion in the hash {@code <stream>:done}; poison jobs always fail. */
  static EntryHandler<Job> handler(RedisCommands<String, String> redis, String stream) {
    return item -> {
      Thread.sleep(5); // some work, so that the kill lands mid-batch
      if (poison(item.payload().number())) {
        throw new IllegalStateException("poison job " + item.payload().number());
      }
      redis.hincrby(stream + ":done", item.id(), 1);
    };
  }

  @Test
  void aKilledConsumersEntriesAreFinishedByAnotherWithNoLoss() throws Exception {
    int total = 200;
    List<String> ids = addJobs(total);
    Set<String> poisonIds = new HashSet<>();
    for (int i = 0; i < total; i++) {
      if (poison(i)) {
        poisonIds.add(ids.get(i));
      }
    }
    Path log = Files.createTempFile("crash-consumer", ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                testClassPath(),
                CrashConsumerMain.class.getName(),
                REDIS_URI,
                stream,
                "doomed",
                "1000")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> redis.hlen(stream + ":done") >= 40 || !child.isAlive());
      assertThat(child.isAlive()).as("child output: %s", Files.readString(log)).isTrue();
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no close()
      child.waitFor(10, TimeUnit.SECONDS);
    }
    long heldByDead =
        redis.xpending(stream, "workers").getConsumerMessageCount().getOrDefault("doomed", 0L);
    assertThat(heldByDead).as("the kill landed mid-batch").isPositive();

    try (ProcessorHandle survivor =
        builder(handler(redis, stream))
            .consumer("survivor")
            .lease(Duration.ofSeconds(1))
            .claimInterval(Duration.ofMillis(200))
            .retry(POLICY)
            .deadConsumerAfter(Duration.ofSeconds(1))
            .build()
            .start()) {
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  redis.hlen(stream + ":done") == total - poisonIds.size()
                      && redis.xlen(stream + ":dlq") == poisonIds.size()
                      && redis.xpending(stream, "workers").getCount() == 0);
      assertThat(survivor.stats().reclaimed()).isPositive();
      // The dead consumer is removed only once its pending entries were reclaimed.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> consumerNames().equals(List.of("survivor")));
      assertThat(survivor.stats().consumersRemoved()).isEqualTo(1);
    }

    Map<String, String> done = redis.hgetall(stream + ":done");
    List<String> lost = new ArrayList<>();
    long duplicates = 0;
    for (String id : ids) {
      if (poisonIds.contains(id)) {
        assertThat(done).doesNotContainKey(id);
        continue;
      }
      long times = Long.parseLong(done.getOrDefault(id, "0"));
      if (times == 0) {
        lost.add(id);
      }
      duplicates += Math.max(0, times - 1);
    }
    List<StreamMessage<String, String>> letters =
        redis.xrange(stream + ":dlq", Range.create("-", "+"));
    Set<String> lettered = new HashSet<>();
    for (StreamMessage<String, String> letter : letters) {
      lettered.add(letter.getBody().get("dlq_original_id"));
      // Three attempts by the policy; one more delivery when the kill interrupted an attempt.
      assertThat(Long.parseLong(letter.getBody().get("dlq_attempts"))).isBetween(3L, 4L);
    }
    System.out.printf(
        "crash recovery: %d entries, %d held by the killed consumer, lost %d, duplicates %d, dead-lettered %d%n",
        total, heldByDead, lost.size(), duplicates, letters.size());
    assertThat(lost).isEmpty();
    assertThat(duplicates).isLessThanOrEqualTo(heldByDead);
    assertThat(lettered).isEqualTo(poisonIds);
    assertThat(redis.xlen(stream)).isZero();
  }

  private List<String> consumerNames() {
    List<String> names = new ArrayList<>();
    for (Object consumer : redis.xinfoConsumers(stream, "workers")) {
      names.add(XInfoReplies.text(XInfoReplies.asMap(consumer), "name"));
    }
    return names;
  }

  /** The test class path; Surefire exposes it as java.class.path in the forked JVM. */
  static String testClassPath() {
    String classPath = System.getProperty("java.class.path");
    assertThat(classPath).as("java.class.path").contains("test-classes");
    return classPath;
  }

  static String withoutOpenTelemetry(String classPath) {
    List<String> kept = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.contains("opentelemetry")) {
        kept.add(entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }
}
