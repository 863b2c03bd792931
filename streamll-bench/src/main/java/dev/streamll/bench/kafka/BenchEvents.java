package dev.streamll.bench.kafka;

import dev.streamll.event.StreamllEvent;
import java.util.Map;

/**
 * The event mix both sides of a Kafka benchmark send: per LLM call one {@code start}, eight {@code
 * token}s and one {@code end} with usage, spread over 64 executions, as an instrumented streaming
 * pipeline produces them.
 */
final class BenchEvents {
  private static final String[] WORDS = {
    "The", " capital", " of", " France", " is", " Paris", ",", " a", " city", " of", " lights", "."
  };

  private BenchEvents() {}

  static StreamllEvent event(int i) {
    int step = i % 10;
    StreamllEvent.Builder builder =
        StreamllEvent.builder()
            .executionId("exec-" + (i / 10) % 64)
            .parentId("span-root-" + (i / 10) % 64)
            .spanId("span-llm-" + i / 10)
            .moduleName("rag_pipeline")
            .methodName("generate")
            .operation("llm_call")
            .tag("customer_id", "c-" + (i % 97))
            .tag("environment", "production");
    if (step == 0) {
      return builder
          .eventType("start")
          .data("gen_ai.request.model", "gpt-4o-mini")
          .data("gen_ai.system", "openai")
          .data("prompt_chars", 1834)
          .build();
    }
    if (step == 9) {
      return builder
          .eventType("end")
          .data(
              Map.of(
                  "gen_ai.usage.input_tokens",
                  412,
                  "gen_ai.usage.output_tokens",
                  8,
                  "duration_seconds",
                  0.734,
                  "gen_ai.response.finish_reasons",
                  "stop"))
          .build();
    }
    return builder
        .eventType("token")
        .data("token", WORDS[i % WORDS.length])
        .data("token_index", step - 1)
        .build();
  }
}
