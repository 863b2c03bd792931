package dev.streamll.bench.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.event.TopLevelFields;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
 * What a sink pays per event to read the top-level fields it labels records with, from the journal
 * bytes of a typical token event (~600 bytes): {@link TopLevelFields} against the Jackson streaming
 * parser the Redis and Kafka sinks used before (copied below as the baseline). {@code labels*} is
 * the Redis sink's read ({@code module_name}, {@code event_type} as strings, both before {@code
 * data}); {@code recordFields*} the Kafka sink's ({@code execution_id}, {@code event_type}, {@code
 * module_name}, {@code schema_version} as UTF-8 bytes; {@code schema_version} is the last field, so
 * both walk past {@code data} and {@code tags}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TopLevelFieldsBenchmark {
  private static final TopLevelFields LABELS = TopLevelFields.of("module_name", "event_type");
  private static final TopLevelFields RECORD_FIELDS =
      TopLevelFields.of("execution_id", "event_type", "module_name", "schema_version");
  private static final JsonFactory JSON = new JsonFactory();

  private byte[] event;

  @Setup
  public void setUp() {
    event =
        new EventCodec()
            .encode(
                StreamllEvent.builder()
                    .moduleName("BenchModule")
                    .methodName("generate")
                    .operation("llm_call")
                    .eventType("token")
                    .data("text", "lorem ipsum dolor sit amet ".repeat(5))
                    .data("gen_ai.request.model", "gpt-4o")
                    .data("index", 17)
                    .tag("customer_id", "c-7")
                    .build());
    if (event.length < 550 || event.length > 650) {
      throw new IllegalStateException("the bench event is " + event.length + " bytes, not ~600");
    }
  }

  @Benchmark
  public String[] labelsScan() {
    return LABELS.strings(event);
  }

  @Benchmark
  public String[] labelsJacksonBaseline() throws IOException {
    return jacksonLabels(event);
  }

  @Benchmark
  public byte[][] recordFieldsScan() {
    return RECORD_FIELDS.utf8(event);
  }

  @Benchmark
  public byte[][] recordFieldsJacksonBaseline() throws IOException {
    return jacksonRecordFields(event);
  }

  /** The Redis sink's former EventLabels.of, without the defaults. */
  static String[] jacksonLabels(byte[] json) throws IOException {
    String module = null;
    String type = null;
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("event JSON is not an object");
      }
      while ((module == null || type == null) && parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_STRING && field.equals("module_name")) {
          module = parser.getText();
        } else if (value == JsonToken.VALUE_STRING && field.equals("event_type")) {
          type = parser.getText();
        } else {
          parser.skipChildren();
        }
      }
    }
    return new String[] {module, type};
  }

  /** The Kafka sink's former RecordFields.of. */
  static byte[][] jacksonRecordFields(byte[] json) throws IOException {
    byte[][] fields = new byte[4][];
    try (JsonParser parser = JSON.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new IllegalArgumentException("event is not a JSON object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
          parser.skipChildren();
          continue;
        }
        if (value != JsonToken.VALUE_STRING) {
          continue;
        }
        int index;
        switch (name) {
          case "execution_id":
            index = 0;
            break;
          case "event_type":
            index = 1;
            break;
          case "module_name":
            index = 2;
            break;
          case "schema_version":
            index = 3;
            break;
          default:
            continue;
        }
        fields[index] = parser.getText().getBytes(StandardCharsets.UTF_8);
      }
    }
    return fields;
  }
}
