package dev.streamll.bench.kafka;

import dev.streamll.event.StreamllEvent;
import java.time.Instant;
import java.util.Map;

/**
 * The event mix both sides of a Kafka benchmark send: per LLM call one {@code start}, eight {@code
 * token}s and one {@code end} with usage, spread over 64 executions, as an instrumented streaming
 * pipeline produces them.
 *
 * <p>Events are made the way a {@code Span} makes them (the API StreamLL's instrumentation and the
 * LangChain4j integration emit through): the canonical constructor with a generated id and the
 * current time, ids and tags held per execution, {@code data} as an immutable {@code Map.of}, which
 * the event keeps without a copy. {@code StreamllEvent.builder()} would add two map copies per
 * event that no instrumented application pays.
 */
final class BenchEvents {
  private static final String[] WORDS = {
    "The", " capital", " of", " France", " is", " Paris", ",", " a", " city", " of", " lights", "."
  };
  private static final int EXECUTIONS = 64;
  private static final int CUSTOMERS = 97;
  private static final String[] EXECUTION_IDS = new String[EXECUTIONS];
  private static final String[] ROOT_SPAN_IDS = new String[EXECUTIONS];
  private static final Map<?, ?>[] TAGS = new Map<?, ?>[CUSTOMERS];

  static {
    for (int e = 0; e < EXECUTIONS; e++) {
      EXECUTION_IDS[e] = "exec-" + e;
      ROOT_SPAN_IDS[e] = "span-root-" + e;
    }
    for (int c = 0; c < CUSTOMERS; c++) {
      TAGS[c] = Map.of("customer_id", "c-" + c, "environment", "production");
    }
  }

  private BenchEvents() {}

  static StreamllEvent event(int i) {
    int step = i % 10;
    Map<String, Object> data;
    String eventType;
    if (step == 0) {
      eventType = "start";
      data =
          Map.of(
              "gen_ai.request.model",
              "gpt-4o-mini",
              "gen_ai.system",
              "openai",
              "prompt_chars",
              1834);
    } else if (step == 9) {
      eventType = "end";
      data =
          Map.of(
              "gen_ai.usage.input_tokens",
              412,
              "gen_ai.usage.output_tokens",
              8,
              "duration_seconds",
              0.734,
              "gen_ai.response.finish_reasons",
              "stop");
    } else {
      eventType = "token";
      data = Map.of("token", WORDS[i % WORDS.length], "token_index", step - 1);
    }
    int execution = (i / 10) % EXECUTIONS;
    @SuppressWarnings("unchecked")
    Map<String, String> tags = (Map<String, String>) TAGS[i % CUSTOMERS];
    return new StreamllEvent(
        null,
        EXECUTION_IDS[execution],
        ROOT_SPAN_IDS[execution],
        "span-llm-" + i / 10,
        Instant.now(),
        "rag_pipeline",
        "generate",
        "llm_call",
        eventType,
        data,
        tags,
        null,
        null,
        null,
        StreamllEvent.SCHEMA_VERSION);
  }
}
