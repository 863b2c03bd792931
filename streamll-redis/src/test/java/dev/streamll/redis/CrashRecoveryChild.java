package dev.streamll.redis;

import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.SinkHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The process side of {@link RedisCrashRecoveryTest}, started in its own JVM.
 *
 * <pre>
 * emit    JOURNAL URL N   emit N events while Redis is down, print "JOURNALED &lt;n&gt;" once all are
 *                         in the journal, then wait to be killed
 * deliver JOURNAL URL     open the same journal, print "DELIVERED &lt;n&gt;" once the sink confirmed
 *                         everything it holds, exit 0 (1 if not within two minutes)
 * </pre>
 */
public final class CrashRecoveryChild {
  private CrashRecoveryChild() {}

  public static void main(String[] args) throws InterruptedException {
    String mode = args[0];
    Path journal = Path.of(args[1]);
    String url = args[2];
    ForwarderOptions options =
        ForwarderOptions.builder()
            .backoff(Duration.ofMillis(10), Duration.ofMillis(100))
            .circuitBreaker(3, Duration.ofMillis(500))
            .writeTimeout(Duration.ofSeconds(5))
            .build();
    Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .sink(SinkConfig.of(url).options(options))
                .journalDirectory(journal)
                .checkSinksAtStart(false)
                .blockWhenFull(Duration.ofSeconds(30))
                .closeTimeout(Duration.ofSeconds(5))
                .build());
    SinkHealth sink = streamll.health().sinks().get(0);
    if (mode.equals("emit")) {
      int events = Integer.parseInt(args[3]);
      for (int i = 0; i < events; i++) {
        streamll.emit(
            new StreamllEvent(
                null,
                null,
                null,
                null,
                null,
                "CrashTest",
                "emit",
                "llm_call",
                "token",
                Map.of("i", i),
                Map.of(),
                null,
                null,
                null,
                null));
      }
      FlushResult flushed = streamll.flush(Duration.ofSeconds(2));
      if (flushed.targetSequence() < 0) {
        System.out.println("NOT JOURNALED " + streamll.health());
        System.exit(1);
      }
      System.out.println("JOURNALED " + streamll.journal().nextSequence());
      System.out.flush();
      new CountDownLatch(1).await();
    } else {
      FlushResult flushed = streamll.flush(Duration.ofMinutes(2));
      long delivered = streamll.health().sink(sink.name()).delivered();
      System.out.println(
          (flushed.complete() ? "DELIVERED " : "NOT DELIVERED ")
              + delivered
              + " "
              + streamll.health().sink(sink.name()));
      System.out.flush();
      streamll.close();
      System.exit(flushed.complete() ? 0 : 1);
    }
  }
}
