package dev.streamll.langchain4j.examples;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.TokenStream;
import dev.streamll.Streamll;
import dev.streamll.StreamllConfig;
import dev.streamll.langchain4j.StreamllLangChain4j;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The quick start of docs/langchain4j.md, compiled and run by QuickStartTest. */
public final class QuickStart {

  public interface Assistant {
    TokenStream chat(String question);
  }

  public static final class Tools {
    @Tool("Returns the streamll command for a task")
    public String command(String task) {
      return "./streamll " + task;
    }
  }

  private QuickStart() {}

  /** Asks one question through an instrumented AI service and returns the answer. */
  public static String ask(StreamingChatModel model, ContentRetriever retriever) throws Exception {
    Streamll streamll = Streamll.create(StreamllConfig.builder().sink("terminal:").build());
    Assistant assistant =
        StreamllLangChain4j.instrument(streamll, Assistant.class)
            .streamingChatModel(model)
            .contentRetriever(retriever)
            .tools(new Tools())
            .build();
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    assistant
        .chat("Where do events wait when Redis is down?")
        .onCompleteResponse(done::complete)
        .onError(done::completeExceptionally)
        .start();
    try {
      return done.get(30, TimeUnit.SECONDS).aiMessage().text();
    } finally {
      streamll.close();
    }
  }
}
