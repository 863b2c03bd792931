package dev.streamll.bench.emit;

import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.async.AsyncLoggerContext;
import org.apache.logging.log4j.core.jmx.RingBufferAdmin;
import org.apache.logging.log4j.message.StringMapMessage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of instrumentation on the application's thread, against the peers an application would
 * otherwise use: an OpenTelemetry SDK span (start + end, BatchSpanProcessor, no-op exporter) and a
 * Log4j2 async-logger call carrying the same fields.
 *
 * <p>Every one of them hands work to a background thread through a bounded queue. A tight loop
 * would fill that queue and then measure the background thread (or the drop path) instead of the
 * caller, so each invocation issues {@value #BATCH} calls into a drained queue: setup (untimed)
 * waits until the previous batch has been consumed. Queues are sized so a batch never fills them.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {
      "-Dlog4j2.contextSelector=org.apache.logging.log4j.core.async.AsyncLoggerContextSelector",
      "-Dlog4j2.configurationFile=log4j2-bench.xml",
      "-Dlog4j2.asyncLoggerRingBufferSize=262144"
    })
public class EmitBenchmark {
  static final int BATCH = 1000;

  private Streamll streamll;
  private Span span;
  private SdkTracerProvider tracerProvider;
  private Tracer tracer;
  private Logger logger;
  private RingBufferAdmin log4jRing;
  // Events this trial emitted; the writer has caught up when the journal holds them all.
  private long emitted;

  /** Discards spans, as the peer's cheapest possible backend. */
  static final class NoopExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    streamll = Streamll.create(StreamllConfig.builder().inMemoryJournal().build());
    span = streamll.span("llm_call").module("ChatBot").method("ask").makeCurrent(false).start();
    emitted = 1;
    tracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(
                BatchSpanProcessor.builder(new NoopExporter()).setMaxQueueSize(65_536).build())
            .build();
    tracer = tracerProvider.get("bench");
    logger = LogManager.getLogger("bench");
    log4jRing = ((AsyncLoggerContext) LogManager.getContext(false)).createRingBufferAdmin();
  }

  @Setup(Level.Invocation)
  public void drain() {
    // Probes that allocate nothing, so the GC profiler charges only the measured calls.
    while (streamll.journal().nextSequence() < emitted
        || log4jRing.getRemainingCapacity() < log4jRing.getBufferSize()) {
      Thread.onSpinWait();
    }
    tracerProvider.forceFlush().join(10, TimeUnit.SECONDS);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    span.close();
    streamll.close();
    tracerProvider.shutdown().join(10, TimeUnit.SECONDS);
  }

  /** One token event: what a streaming LLM call emits per partial response. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void streamllToken() {
    for (int i = 0; i < BATCH; i++) {
      span.token("hello");
    }
    emitted += BATCH;
  }

  /** A span's start and end events. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void streamllSpanStartEnd() {
    for (int i = 0; i < BATCH; i++) {
      streamll.span("llm_call").module("ChatBot").method("ask").makeCurrent(false).start().close();
    }
    emitted += 2 * BATCH;
  }

  private static final AttributeKey<String> MODULE = AttributeKey.stringKey("module_name");
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("method_name");

  /** The peer: one OpenTelemetry span, started and ended. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void otelSpanStartEnd() {
    for (int i = 0; i < BATCH; i++) {
      tracer
          .spanBuilder("llm_call")
          .setAttribute(MODULE, "ChatBot")
          .setAttribute(METHOD, "ask")
          .startSpan()
          .end();
    }
  }

  /** The peer: one Log4j2 async-logger event with the fields of a StreamLL event. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void log4j2AsyncLog() {
    for (int i = 0; i < BATCH; i++) {
      logger.info(
          new StringMapMessage()
              .with("execution_id", "e1")
              .with("span_id", "s1")
              .with("module_name", "ChatBot")
              .with("method_name", "ask")
              .with("operation", "llm_call")
              .with("event_type", "token")
              .with("token", "hello"));
    }
  }
}
