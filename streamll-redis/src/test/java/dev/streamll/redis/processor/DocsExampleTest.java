package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The code shown in docs/stream-processor.md, compiled and run. */
class DocsExampleTest extends RedisStreams {

  /** A unit of work. */
  public record Summarize(String documentId, int pages) {}

  @Test
  void quickStart() {
    List<String> done = new CopyOnWriteArrayList<>();
    String key = stream;
    RedisClient client = this.client;

    // --- docs: quick start ---
    try (RedisStream<Summarize> jobs =
        RedisStream.open(client, key, JsonEntryCodec.of(Summarize.class))) {
      jobs.add(new Summarize("doc-1", 12));
      jobs.add(new Summarize("doc-2", 3));
    }

    StreamProcessor<Summarize> processor =
        StreamProcessor.builder(JsonEntryCodec.of(Summarize.class)).redis(client).stream(key)
            .group("summarizers")
            .batchSize(20)
            .concurrency(10)
            .lease(Duration.ofSeconds(30))
            .retry(
                RetryPolicy.maxAttempts(5)
                    .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(30)))
            .events(true)
            .handler(
                item -> {
                  Summarize job = item.payload();
                  for (int page = 1; page <= job.pages(); page++) {
                    item.progress((double) page / job.pages(), "page " + page);
                  }
                  done.add(job.documentId() + " (attempt " + item.attempt() + ")");
                })
            .build();

    ProcessorHandle running = processor.start();
    // ... later, on shutdown:
    // ShutdownReport report = running.close(Duration.ofSeconds(20));
    // --- end ---

    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> done.size() == 2);
      try (RedisStream<Summarize> jobs =
          RedisStream.open(client, key, JsonEntryCodec.of(Summarize.class))) {
        // --- docs: info ---
        StreamInfo info = jobs.info();
        for (GroupInfo group : info.groups()) {
          System.out.printf(
              "%s: %d consumers, %d pending, lag %d, last delivered %s%n",
              group.name(),
              group.consumers(),
              group.pending(),
              group.lag(),
              group.lastDeliveredId());
        }
        // --- end ---
        assertThat(info.groups()).extracting(GroupInfo::name).containsExactly("summarizers");
      }
    } finally {
      ShutdownReport report = running.close(Duration.ofSeconds(20));
      assertThat(report.drained()).isTrue();
    }
    assertThat(done).containsExactlyInAnyOrder("doc-1 (attempt 1)", "doc-2 (attempt 1)");
  }
}
