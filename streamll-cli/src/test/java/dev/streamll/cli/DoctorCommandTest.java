package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.sink.SinkUrl;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DoctorCommandTest {
  @TempDir Path dir;

  private final JournalWriters writers = new JournalWriters();

  @Test
  void aHealthySinkIsReachableAuthenticatedAndWritable() throws Exception {
    new Events(writers.open(dir.resolve(".streamll/journal")), Instant.now())
        .span("A", null, 0.1, false, 0, Map.of());
    TestSinkProvider.reset("doctor-ok");
    CliHarness.Result result;
    try (ServerSocket server = new ServerSocket(0)) {
      result =
          new CliHarness(dir)
              .run("doctor", "test://127.0.0.1:" + server.getLocalPort() + "/doctor-ok");
    }

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("✓ journal " + dir.resolve(".streamll/journal") + ": 2 events (sequences 0–1)")
        .contains("reachable, authenticated, writable (test event confirmed in")
        .contains("All checks passed.");
    assertThat(TestSinkProvider.sink("doctor-ok").events())
        .singleElement()
        .satisfies(
            event -> {
              assertThat(event.eventType()).isEqualTo("doctor");
              assertThat(event.moduleName()).isEqualTo("streamll-doctor");
            });
  }

  @Test
  void everyFailureSaysWhatToDoNext() throws Exception {
    int closedPort;
    try (ServerSocket server = new ServerSocket(0)) {
      closedPort = server.getLocalPort();
    }
    CliHarness.Result result;
    try (ServerSocket server = new ServerSocket(0)) {
      int open = server.getLocalPort();
      result =
          new CliHarness(dir)
              .run(
                  "doctor",
                  "redis://127.0.0.1:" + closedPort,
                  "test://127.0.0.1:" + open + "/auth?failStart=NOAUTH%20Authentication%20required",
                  "test://127.0.0.1:" + open + "/full?failWrite=stream%20is%20full",
                  "gopher://x",
                  "terminal:");
    }

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains(
            "✗ redis://127.0.0.1:"
                + closedPort
                + ": not reachable — connection refused at 127.0.0.1:"
                + closedPort
                + " — is redis-server running? start it with `redis-server --port "
                + closedPort
                + " --daemonize yes`")
        .contains(
            "cannot connect — NOAUTH Authentication required — the server wants credentials: put"
                + " them in the URL")
        .contains("reachable, authenticated, but not writable — stream is full")
        .contains("✗ gopher://x: sink URL 'gopher://x' has unknown scheme 'gopher'")
        .contains("✓ terminal: started, writable")
        .contains("4 of 5 sink(s) failed.")
        .contains("• journal " + dir.resolve(".streamll/journal") + ": not created yet");
  }

  @Test
  void withoutUrlsItChecksTheConfiguredSinks() {
    CliHarness.Result result =
        new CliHarness(dir).env("STREAMLL_SINKS", "terminal:,gopher://x").run("doctor");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out())
        .contains("sinks from STREAMLL_SINKS: terminal:, gopher://x")
        .contains("1 of 2 sink(s) failed.");
  }

  @Test
  void findsEveryBrokerOfAUrl() {
    assertThat(DoctorCommand.endpoints(SinkUrl.parse("kafka://a:9093,b/events")))
        .containsExactly(new String[] {"a", "9093"}, new String[] {"b", "9092"});
    assertThat(DoctorCommand.endpoints(SinkUrl.parse("amqp://guest:secret@rabbit")))
        .containsExactly(new String[] {"rabbit", "5672"});
    assertThat(DoctorCommand.endpoints(SinkUrl.parse("terminal:"))).isEmpty();
  }

  @AfterEach
  void closeWriters() {
    writers.close();
  }
}
