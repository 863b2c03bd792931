package dev.streamll.bench.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streamll.event.EventCodec;
import dev.streamll.event.EventIds;
import dev.streamll.event.StreamllEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The writer thread's per-event cost: {@link EventCodec#encode} of a token event and of an llm_call
 * end event with usage numbers, against the baseline it replaced, Jackson's generator writing the
 * same fields (a copy of the former {@code EventCodec.write}, including its fast cases for scalar
 * data values). Run with {@code -prof gc} for bytes allocated per encode.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EventCodecBenchmark {
  private EventCodec codec;
  private JsonFactory jacksonFactory;
  private ObjectMapper jacksonMapper;
  private StreamllEvent token;
  private StreamllEvent llmCallEnd;

  @Setup
  public void setUp() throws IOException {
    codec = new EventCodec();
    jacksonMapper = codec.mapper();
    jacksonFactory = jacksonMapper.getFactory();
    String executionId = EventIds.newId();
    String spanId = EventIds.newId();
    token =
        StreamllEvent.builder()
            .executionId(executionId)
            .parentId(spanId)
            .spanId(spanId)
            .timestamp(Instant.parse("2026-11-25T16:31:42.123456789Z"))
            .moduleName("ChatBot")
            .methodName("ask")
            .operation("llm_call")
            .eventType("token")
            .data(Map.of("token", " Hello", "token_index", 17))
            .tag("customer_id", "c-7")
            .build();
    Map<String, Object> usage = new LinkedHashMap<>();
    usage.put("duration_seconds", 1.284_731);
    usage.put("gen_ai.request.model", "gpt-4o-mini");
    usage.put("gen_ai.response.finish_reason", "stop");
    usage.put("gen_ai.usage.input_tokens", 412);
    usage.put("gen_ai.usage.output_tokens", 128);
    usage.put("gen_ai.usage.total_tokens", 540L);
    usage.put("cost_usd", 0.000_138_6);
    usage.put("cached", false);
    llmCallEnd =
        StreamllEvent.builder()
            .executionId(executionId)
            .parentId(executionId)
            .spanId(spanId)
            .timestamp(Instant.parse("2026-11-25T16:31:43.408123456Z"))
            .moduleName("ChatBot")
            .methodName("ask")
            .operation("llm_call")
            .eventType("end")
            .data(usage)
            .tag("customer_id", "c-7")
            .moduleVersion("v3")
            .codeSignature("9f2c1e7a")
            .gitCommit("abc1234")
            .build();
    for (StreamllEvent event : new StreamllEvent[] {token, llmCallEnd}) {
      if (!Arrays.equals(codec.encode(event), jacksonWrite(event))) {
        throw new IllegalStateException("encoder and baseline disagree on " + event);
      }
    }
  }

  @Benchmark
  public byte[] encodeToken() {
    return codec.encode(token);
  }

  @Benchmark
  public byte[] encodeLlmCallEnd() {
    return codec.encode(llmCallEnd);
  }

  @Benchmark
  public byte[] baselineJacksonToken() throws IOException {
    return jacksonWrite(token);
  }

  @Benchmark
  public byte[] baselineJacksonLlmCallEnd() throws IOException {
    return jacksonWrite(llmCallEnd);
  }

  /** Baseline: the former EventCodec.write, every field through Jackson's generator. */
  private byte[] jacksonWrite(StreamllEvent e) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = jacksonFactory.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("event_id", e.eventId());
      g.writeStringField("execution_id", e.executionId());
      g.writeStringField("parent_id", e.parentId());
      g.writeStringField("span_id", e.spanId());
      g.writeStringField("timestamp", EventCodec.formatTimestamp(e.timestamp()));
      g.writeStringField("module_name", e.moduleName());
      g.writeStringField("method_name", e.methodName());
      g.writeStringField("operation", e.operation());
      g.writeStringField("event_type", e.eventType());
      g.writeObjectFieldStart("data");
      for (Map.Entry<String, Object> entry : e.data().entrySet()) {
        g.writeFieldName(entry.getKey());
        writeValue(g, entry.getValue());
      }
      g.writeEndObject();
      g.writeObjectFieldStart("tags");
      for (Map.Entry<String, String> tag : e.tags().entrySet()) {
        g.writeStringField(tag.getKey(), tag.getValue());
      }
      g.writeEndObject();
      g.writeStringField("module_version", e.moduleVersion());
      g.writeStringField("code_signature", e.codeSignature());
      g.writeStringField("git_commit", e.gitCommit());
      g.writeStringField("schema_version", e.schemaVersion());
      g.writeEndObject();
    }
    return out.toByteArray();
  }

  private void writeValue(JsonGenerator g, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
    } else if (value instanceof String) {
      g.writeString((String) value);
    } else if (value instanceof Integer) {
      g.writeNumber((Integer) value);
    } else if (value instanceof Long) {
      g.writeNumber((Long) value);
    } else if (value instanceof Double) {
      g.writeNumber((Double) value);
    } else if (value instanceof Boolean) {
      g.writeBoolean((Boolean) value);
    } else {
      jacksonMapper.writeValue(g, value);
    }
  }
}
