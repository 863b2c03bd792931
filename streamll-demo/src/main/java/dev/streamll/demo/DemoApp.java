package dev.streamll.demo;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiStreamingChatModel;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import dev.streamll.FlushResult;
import dev.streamll.SinkConfig;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.langchain4j.ContentCapture;
import dev.streamll.langchain4j.StreamllLangChain4j;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.TerminalSink;
import dev.streamll.version.VersionStrategy;
import dev.streamll.version.VersionTracking;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The demo behind {@code ./streamll demo}: a small RAG assistant built with LangChain4j AI services
 * (in-process embeddings over bundled documents, a content retriever, one tool and a streaming chat
 * model), instrumented with {@link StreamllLangChain4j}, asked three questions. Offline by default
 * ({@link OfflineChatModel}); with {@code OPENAI_API_KEY} set it uses OpenAI, or any
 * OpenAI-compatible server at {@code STREAMLL_OPENAI_BASE_URL} (model {@code
 * STREAMLL_OPENAI_MODEL}, default {@value #DEFAULT_OPENAI_MODEL}).
 */
public final class DemoApp {
  static final String DEFAULT_OPENAI_MODEL = "gpt-4o-mini";

  static final List<String> QUESTIONS =
      List.of(
          "What happens to my events when a sink is down?",
          "Which command shows latency per module?",
          "Which command exports events to MQTT?");

  private DemoApp() {}

  /** Runs the demo and returns the process exit code. */
  public static int run(DemoOptions options) {
    return run(options, System.getenv());
  }

  static int run(DemoOptions options, Map<String, String> env) {
    PrintStream out = options.out();
    out.println("StreamLL demo: a LangChain4j RAG assistant, watched live by StreamLL.");
    EventTally tally = new EventTally();
    Streamll streamll;
    try {
      StreamllConfig.Builder config =
          StreamllConfig.builder()
              .journalDirectory(options.journalDirectory())
              .versionTracking(VersionTracking.of(VersionStrategy.BYTECODE, VersionStrategy.GIT))
              .sink(
                  SinkConfig.of(
                      TerminalSink.builder().out(out).color(System.console() != null).build()))
              .sink(tally);
      options.extraSinkUrls().forEach(config::sink);
      streamll = Streamll.create(config.build());
    } catch (IllegalArgumentException e) {
      out.println("Could not start StreamLL: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      // Not a usage error: a locked journal or an unreachable sink.
      out.println("Could not start StreamLL: " + e.getMessage());
      return 1;
    }
    try (streamll) {
      long started = System.nanoTime();
      KnowledgeBase knowledge;
      try {
        knowledge = KnowledgeBase.load();
      } catch (RuntimeException | LinkageError e) {
        out.println("Could not load the in-process embedding model: " + e);
        return 1;
      }
      out.printf(
          "Embedded %d passages in process (all-MiniLM-L6-v2, quantized) in %.1f s.%n",
          knowledge.segments(), (System.nanoTime() - started) / 1e9);
      String apiKey = env.get("OPENAI_API_KEY");
      boolean online = apiKey != null && !apiKey.isBlank();
      StreamingChatModel model = online ? openAi(apiKey, env, out) : offline(out);
      Duration answerTimeout = online ? Duration.ofMinutes(2) : Duration.ofSeconds(30);
      Assistant assistant =
          StreamllLangChain4j.create(streamll, ContentCapture.all())
              .aiServices(Assistant.class)
              .streamingChatModel(model)
              .contentRetriever(knowledge.retriever())
              .tools(new CliCommandTool())
              // A failing tool is already a tool_call error event; its message goes back to the
              // model without LangChain4j's default warning and stack trace in the demo's output.
              .toolExecutionErrorHandler(
                  (error, context) ->
                      ToolErrorHandlerResult.text(String.valueOf(error.getMessage())))
              .build();
      int failed = 0;
      for (String question : QUESTIONS) {
        out.println();
        out.println("? " + question);
        out.flush();
        if (!ask(assistant, question, answerTimeout, out)) {
          failed++;
        }
        streamll.flush(Duration.ofSeconds(10));
      }
      FlushResult flushed = streamll.flush(Duration.ofSeconds(10));
      summary(out, tally, flushed, options, streamll.config().journalDescription());
      return failed == 0 ? 0 : 1;
    }
  }

  private static StreamingChatModel offline(PrintStream out) {
    out.println(
        "Model: "
            + OfflineChatModel.MODEL_NAME
            + ", a local deterministic stand-in that answers from the retrieved text"
            + " (set OPENAI_API_KEY to use a real model).");
    return new OfflineChatModel(Duration.ofMillis(25));
  }

  private static StreamingChatModel openAi(
      String apiKey, Map<String, String> env, PrintStream out) {
    String modelName = env.getOrDefault("STREAMLL_OPENAI_MODEL", DEFAULT_OPENAI_MODEL);
    String baseUrl = env.get("STREAMLL_OPENAI_BASE_URL");
    OpenAiStreamingChatModel.OpenAiStreamingChatModelBuilder builder =
        OpenAiStreamingChatModel.builder().apiKey(apiKey).modelName(modelName).temperature(0.0);
    if (baseUrl != null && !baseUrl.isBlank()) {
      builder.baseUrl(baseUrl);
    }
    out.println(
        "Model: "
            + modelName
            + " at "
            + (baseUrl == null || baseUrl.isBlank() ? "api.openai.com" : SinkUrl.redact(baseUrl))
            + " (from OPENAI_API_KEY).");
    return builder.build();
  }

  /** Asks one question and waits for the streamed answer; false if it failed. */
  private static boolean ask(
      Assistant assistant, String question, Duration timeout, PrintStream out) {
    CompletableFuture<ChatResponse> answer = new CompletableFuture<>();
    try {
      TokenStream stream = assistant.answer(question);
      stream.onCompleteResponse(answer::complete).onError(answer::completeExceptionally).start();
      answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (ExecutionException e) {
      out.println("  The assistant failed: " + e.getCause());
    } catch (TimeoutException e) {
      out.println("  No answer within " + timeout.toSeconds() + " s.");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.println("  Interrupted.");
    } catch (RuntimeException e) {
      out.println("  The assistant failed: " + e);
    }
    return false;
  }

  private static void summary(
      PrintStream out,
      EventTally tally,
      FlushResult flushed,
      DemoOptions options,
      String journalDescription) {
    out.println();
    out.println("StreamLL recorded " + tally.total() + " events: " + tally + ".");
    out.println("They went to:");
    out.println("  - this terminal");
    for (String url : options.extraSinkUrls()) {
      out.println("  - " + SinkUrl.redact(url));
    }
    out.println(
        "  - the journal in " + journalDescription + " (kept on disk for tail, stats and replay)");
    if (!flushed.complete()) {
      out.println("Not yet confirmed by every sink: " + flushed);
    }
    out.println();
    out.println("Next, try:");
    out.println("  ./streamll tail     follow events live, from the journal or any sink");
    out.println("  ./streamll stats    latency, errors and tokens per module and version");
  }
}
