package dev.streamll.kafka;

import dev.streamll.FlushResult;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The child process of {@link KafkaCrashRecoveryTest}: emits events into a file journal while Kafka
 * is down, reports once they are all in the journal, then waits to be killed with SIGKILL.
 *
 * <p>Arguments: journal directory, sink URL, number of events.
 */
public final class CrashingEmitter {
  static final String APPENDED = "APPENDED ";

  private CrashingEmitter() {}

  public static void main(String[] args) throws InterruptedException {
    Path journal = Path.of(args[0]);
    String url = args[1];
    int events = Integer.parseInt(args[2]);
    Streamll streamll =
        Streamll.create(
            StreamllConfig.builder()
                .journalDirectory(journal)
                .checkSinksAtStart(false)
                .blockWhenFull(Duration.ofSeconds(30))
                .sink(url)
                .build());
    for (int i = 0; i < events; i++) {
      streamll.emit(
          StreamllEvent.builder()
              .executionId("exec-" + (i % 20))
              .moduleName("crash")
              .operation("llm_call")
              .eventType("token")
              .data("seq", i)
              .build());
    }
    FlushResult flushed;
    do {
      // Kafka is down, so the flush cannot complete; a target sequence means "all in the journal".
      flushed = streamll.flush(Duration.ofSeconds(1));
    } while (flushed.targetSequence() < 0);
    System.out.println(APPENDED + flushed.targetSequence() + " lag " + flushed.outstanding());
    System.out.flush();
    new CountDownLatch(1).await();
  }
}
