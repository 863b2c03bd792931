package dev.streamll.redis.processor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.Range;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TelemetryTest extends RedisStreams {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT_SPAN_ID = "00f067aa0ba902b7";

  @Test
  void oneSpanPerAttemptContinuingTheEntrysTraceparentAndMetrics() {
    String traced =
        redis.xadd(
            stream,
            Map.of(
                "payload",
                "{\"number\":1,\"name\":\"traced\"}",
                "traceparent",
                "00-" + TRACE_ID + "-" + PARENT_SPAN_ID + "-01"));
    String flaky = addJobs(1).get(0);
    redis.xadd(stream, Map.of("payload", "garbage"));
    AtomicBoolean failedOnce = new AtomicBoolean();
    try (ProcessorHandle running =
        builder(
                item -> {
                  if (item.id().equals(flaky) && failedOnce.compareAndSet(false, true)) {
                    throw new IllegalStateException("flaky");
                  }
                })
            .telemetry(OpenTelemetryTelemetry.create(otel.getOpenTelemetry()))
            .retry(
                RetryPolicy.maxAttempts(3)
                    .withBackoff(Duration.ofMillis(10), Duration.ofMillis(10)))
            .build()
            .start()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> running.stats().processed() == 2);
      await().atMost(Duration.ofSeconds(5)).until(() -> running.stats().deadLettered() == 1);
      assertThat(sum("streamll.processor.pending")).isGreaterThanOrEqualTo(0);
    }
    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(3);
    SpanData tracedSpan =
        spans.stream()
            .filter(
                s ->
                    traced.equals(
                        s.getAttributes()
                            .get(
                                io.opentelemetry.api.common.AttributeKey.stringKey(
                                    "messaging.message.id"))))
            .findFirst()
            .orElseThrow();
    assertThat(tracedSpan.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(tracedSpan.getParentSpanId()).isEqualTo(PARENT_SPAN_ID);
    assertThat(tracedSpan.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(tracedSpan.getName()).isEqualTo(stream + " process");
    assertThat(
            spans.stream()
                .filter(
                    s ->
                        s.getStatus().getStatusCode()
                            == io.opentelemetry.api.trace.StatusCode.ERROR))
        .hasSize(1);

    assertThat(sum("streamll.processor.processed")).isEqualTo(2);
    assertThat(sum("streamll.processor.failed")).isEqualTo(1);
    assertThat(sum("streamll.processor.retried")).isEqualTo(1);
    assertThat(sum("streamll.processor.dead_lettered")).isEqualTo(1);
    assertThat(histogramCount("streamll.processor.duration")).isEqualTo(3);
  }

  @Test
  void addCarriesTheCurrentSpansTraceparent() {
    Span span = otel.getOpenTelemetry().getTracer("test").spanBuilder("produce").startSpan();
    Scope scope = span.makeCurrent();
    try (RedisStream<Job> jobs = jobs()) {
      String id = jobs.add(new Job(1, "traced"));
      String traceparent =
          redis.xrange(stream, Range.create(id, id)).get(0).getBody().get("traceparent");
      assertThat(traceparent)
          .isEqualTo(
              "00-"
                  + span.getSpanContext().getTraceId()
                  + "-"
                  + span.getSpanContext().getSpanId()
                  + "-"
                  + span.getSpanContext().getTraceFlags().asHex());
    } finally {
      scope.close();
      span.end();
    }
  }

  @Test
  void theProcessorRunsWithoutOpenTelemetryOnTheClassPath() throws Exception {
    String classPath = CrashRecoveryTest.withoutOpenTelemetry(CrashRecoveryTest.testClassPath());
    assertThat(classPath).doesNotContain("opentelemetry");
    Path log = Files.createTempFile("no-otel", ".log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                classPath,
                NoTelemetryMain.class.getName(),
                REDIS_URI,
                stream)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as("child output: %s", Files.readString(log)).isZero();
    assertThat(Files.readString(log)).contains("handled 10");
  }

  private long sum(String name) {
    MetricData metric = metric(name);
    return switch (metric.getType()) {
      case LONG_SUM ->
          metric.getLongSumData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
      case LONG_GAUGE ->
          metric.getLongGaugeData().getPoints().stream().mapToLong(p -> p.getValue()).sum();
      default -> throw new AssertionError(name + " is a " + metric.getType());
    };
  }

  private long histogramCount(String name) {
    return metric(name).getHistogramData().getPoints().stream().mapToLong(p -> p.getCount()).sum();
  }

  private MetricData metric(String name) {
    return otel.getMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name + " in " + otel.getMetrics()));
  }
}
