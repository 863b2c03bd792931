package dev.streamll.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.streamll.FlushResult;
import dev.streamll.Instrumented;
import dev.streamll.Span;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The code shown in docs/getting-started.md, kept here so it compiles and runs in CI. */
class GettingStartedExample {

  // --- docs/getting-started.md: "Instrument an interface" ---
  interface Summarizer {
    @Instrumented(
        operation = "llm_call",
        tags = {"team=search"})
    String summarize(String text);
  }

  static final class LocalSummarizer implements Summarizer {
    @Override
    public String summarize(String text) {
      return text.substring(0, Math.min(20, text.length()));
    }
  }

  @Test
  void gettingStarted() {
    // --- docs/getting-started.md: "Configure" ---
    Streamll streamll =
        Streamll.configure(
            StreamllConfig.builder()
                .inMemoryJournal()
                .sink("terminal:")
                .inMemoryJournal()
                .tag("service", "support-bot")
                .build());

    // --- docs/getting-started.md: "Trace work" ---
    try (Span pipeline = streamll.span("module_forward").module("SupportBot").start()) {
      try (Span llm = streamll.trace("llm_call")) {
        for (String token : new String[] {"Hello", ", ", "world"}) {
          llm.token(token);
        }
        llm.set("gen_ai.usage.output_tokens", 3);
      }
      pipeline.emit("checkpoint", Map.of("step", "answered"));
    }

    Summarizer summarizer = streamll.instrument(Summarizer.class, new LocalSummarizer());
    summarizer.summarize("StreamLL streams what LLM applications do.");

    // --- docs/getting-started.md: "Flush and close" ---
    FlushResult flushed = streamll.flush(Duration.ofSeconds(5));
    assertThat(flushed.complete()).isTrue();
    assertThat(streamll.health().healthy()).isTrue();
    streamll.close();
  }
}
