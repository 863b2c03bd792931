package dev.streamll.demo;

import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import java.util.List;

/**
 * The demo behind {@code ./streamll demo}: a small instrumented pipeline that runs offline. This
 * first version has no LLM; it shows nested spans, streamed tokens and an error.
 */
public final class DemoApp {
  private DemoApp() {}

  /** Runs the demo and returns the process exit code. */
  public static int run(DemoOptions options) {
    StreamllConfig.Builder config = StreamllConfig.builder().sink("terminal:");
    options.extraSinkUrls().forEach(config::sink);
    try (Streamll streamll = Streamll.create(config.build())) {
      for (String question : List.of("What is StreamLL?", "Does it lose events?")) {
        try (Span pipeline = streamll.span("module_forward").module("QaPipeline").start()) {
          try (Span retrieve = streamll.span("retrieve").module("Retriever").start()) {
            retrieve.set("result_count", 2);
          }
          try (Span llm = streamll.span("llm_call").module("EchoModel").start()) {
            for (String word : ("You asked: " + question).split(" ")) {
              llm.token(word + " ");
            }
          }
          pipeline.set("question", question);
        }
      }
      try (Span failing = streamll.trace("tool_call")) {
        failing.fail(new IllegalStateException("the weather tool is offline"));
      }
      streamll.flush(java.time.Duration.ofSeconds(5));
    }
    options.out().println("Next: ./streamll tail   ./streamll stats");
    return 0;
  }
}
