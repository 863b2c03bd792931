package dev.streamll.redis.processor;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Spans and metrics through the OpenTelemetry API.
 *
 * <p>One {@code CONSUMER} span per attempt, named {@code <stream> process}, child of the entry's
 * {@code traceparent} field when present. Metrics (attributes {@code messaging.destination.name}
 * and {@code messaging.consumer.group.name}): counters {@code streamll.processor.processed}, {@code
 * .failed}, {@code .retried}, {@code .dead_lettered}; histogram {@code streamll.processor.duration}
 * (s); gauge {@code streamll.processor.pending} (entries this consumer holds unacknowledged).
 */
public final class OpenTelemetryTelemetry implements ProcessorTelemetry {

  private static final String SCOPE = "dev.streamll.redis.processor";
  private static final AttributeKey<String> STREAM =
      AttributeKey.stringKey("messaging.destination.name");
  private static final AttributeKey<String> GROUP =
      AttributeKey.stringKey("messaging.consumer.group.name");
  private static final AttributeKey<String> MESSAGE_ID =
      AttributeKey.stringKey("messaging.message.id");
  private static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("streamll.attempt");

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        @SuppressWarnings("deprecation") // abstract in the API; only get() is used by extract()
        public Iterable<String> keys(Map<String, String> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private final Tracer tracer;
  private final Meter meter;
  private final LongCounter processed;
  private final LongCounter failed;
  private final LongCounter retried;
  private final LongCounter deadLettered;
  private final DoubleHistogram duration;

  private OpenTelemetryTelemetry(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer(SCOPE);
    this.meter = openTelemetry.getMeter(SCOPE);
    this.processed =
        meter
            .counterBuilder("streamll.processor.processed")
            .setUnit("{entry}")
            .setDescription("Entries processed and acknowledged")
            .build();
    this.failed =
        meter
            .counterBuilder("streamll.processor.failed")
            .setUnit("{attempt}")
            .setDescription("Handler attempts that failed")
            .build();
    this.retried =
        meter
            .counterBuilder("streamll.processor.retried")
            .setUnit("{attempt}")
            .setDescription("Failed attempts followed by another attempt")
            .build();
    this.deadLettered =
        meter
            .counterBuilder("streamll.processor.dead_lettered")
            .setUnit("{entry}")
            .setDescription("Entries moved to the dead-letter stream")
            .build();
    this.duration =
        meter
            .histogramBuilder("streamll.processor.duration")
            .setUnit("s")
            .setDescription("Handler duration per attempt")
            .build();
  }

  /** Telemetry through the given OpenTelemetry instance. */
  public static OpenTelemetryTelemetry create(OpenTelemetry openTelemetry) {
    return new OpenTelemetryTelemetry(openTelemetry);
  }

  /** Telemetry through {@link GlobalOpenTelemetry}; used by {@link ProcessorTelemetry#detect()}. */
  public static OpenTelemetryTelemetry global() {
    return new OpenTelemetryTelemetry(GlobalOpenTelemetry.get());
  }

  @Override
  public Observation startEntry(
      String stream, String group, String entryId, long attempt, String traceparent) {
    Context parent =
        traceparent == null
            ? Context.current()
            : W3CTraceContextPropagator.getInstance()
                .extract(Context.root(), Map.of("traceparent", traceparent), GETTER);
    Span span =
        tracer
            .spanBuilder(stream + " process")
            .setSpanKind(SpanKind.CONSUMER)
            .setParent(parent)
            .setAttribute("messaging.system", "redis")
            .setAttribute("messaging.operation.type", "process")
            .setAttribute(STREAM, stream)
            .setAttribute(GROUP, group)
            .setAttribute(MESSAGE_ID, entryId)
            .setAttribute(ATTEMPT, attempt)
            .startSpan();
    Scope scope = span.makeCurrent();
    Attributes attributes = Attributes.of(STREAM, stream, GROUP, group);
    long start = System.nanoTime();
    return new Observation() {
      @Override
      public void succeeded() {
        end(null);
        processed.add(1, attributes);
      }

      @Override
      public void failed(Throwable error) {
        span.recordException(error);
        end(error);
        failed.add(1, attributes);
      }

      private void end(Throwable error) {
        duration.record((System.nanoTime() - start) / 1e9, attributes);
        if (error != null) {
          span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
        }
        scope.close();
        span.end();
      }
    };
  }

  @Override
  public void retried(String stream, String group) {
    retried.add(1, Attributes.of(STREAM, stream, GROUP, group));
  }

  @Override
  public void deadLettered(String stream, String group) {
    deadLettered.add(1, Attributes.of(STREAM, stream, GROUP, group));
  }

  @Override
  public AutoCloseable watchPending(String stream, String group, LongSupplier pending) {
    Attributes attributes = Attributes.of(STREAM, stream, GROUP, group);
    return meter
        .gaugeBuilder("streamll.processor.pending")
        .ofLongs()
        .setUnit("{entry}")
        .setDescription("Entries this consumer holds unacknowledged")
        .buildWithCallback(m -> m.record(pending.getAsLong(), attributes));
  }

  @Override
  public String currentTraceparent() {
    if (!Span.current().getSpanContext().isValid()) {
      return null;
    }
    Map<String, String> carrier = new HashMap<>(2);
    W3CTraceContextPropagator.getInstance().inject(Context.current(), carrier, Map::put);
    return carrier.get("traceparent");
  }
}
