package dev.streamll.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.sink.AsyncSink;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.SinkException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The custom sink shown in docs/forwarder.md, kept here so it compiles and runs in CI. */
class WebhookSinkExample {

  // --- docs/forwarder.md: "Writing a sink" ---
  /** Posts each batch as newline-delimited JSON; a 2xx reply confirms the whole batch. */
  static final class WebhookSink implements AsyncSink {
    private final URI endpoint;
    private final HttpClient client =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WebhookSink(URI endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public String name() {
      return "webhook:" + endpoint.getHost() + ":" + endpoint.getPort() + endpoint.getPath();
    }

    @Override
    public CompletionStage<Void> writeAsync(List<EncodedEvent> batch) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      for (EncodedEvent event : batch) {
        body.writeBytes(event.json()); // the wire JSON, exactly as the journal holds it
        body.write('\n');
      }
      HttpRequest request =
          HttpRequest.newBuilder(endpoint)
              .timeout(Duration.ofSeconds(10))
              .header("Content-Type", "application/x-ndjson")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
              .build();
      return client
          .sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .thenAccept(
              response -> {
                if (response.statusCode() / 100 != 2) {
                  throw new SinkException(
                      name() + ": the endpoint answered HTTP " + response.statusCode());
                }
              });
    }
  }

  // --- end of snippet ---

  @Test
  void everyEventReachesTheEndpointThroughThePipelinedForwarder() throws IOException {
    AtomicInteger lines = new AtomicInteger();
    AtomicInteger requests = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/events",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            // The first request fails: the forwarder retries it, and nothing is lost.
            int status = requests.getAndIncrement() == 0 ? 503 : 204;
            if (status == 204) {
              lines.addAndGet((int) body.lines().count());
            }
            exchange.sendResponseHeaders(status, -1);
          } finally {
            exchange.close();
          }
        });
    server.start();
    URI endpoint = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/events");
    try {
      // --- docs/forwarder.md: "Writing a sink" (configuration) ---
      Streamll streamll =
          Streamll.create(
              StreamllConfig.builder()
                  .inMemoryJournal()
                  .sink(
                      SinkConfig.of(new WebhookSink(endpoint))
                          .options(
                              ForwarderOptions.builder()
                                  .maxBatchSize(200)
                                  .maxInFlightBatches(2)
                                  .backoff(Duration.ofMillis(10), Duration.ofSeconds(1))
                                  .build()))
                  .build());
      // --- end of snippet ---
      for (int i = 0; i < 1000; i++) {
        streamll.emit(StreamllEvent.builder().operation("webhook_example").build());
      }
      assertThat(streamll.flush(Duration.ofSeconds(10)).complete()).isTrue();
      assertThat(streamll.health().sink(new WebhookSink(endpoint).name()).failedAttempts())
          .isEqualTo(1);
      streamll.close();
      assertThat(lines.get()).isGreaterThanOrEqualTo(1000);
    } finally {
      server.stop(0);
    }
  }
}
