package dev.streamll.langchain4j;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverErrorContext;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverListener;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverRequestContext;
import dev.langchain4j.rag.content.retriever.listener.ContentRetrieverResponseContext;
import dev.langchain4j.rag.query.Query;
import dev.streamll.Span;
import dev.streamll.SpanBuilder;
import dev.streamll.Streamll;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Records each retrieval as a {@code retrieve} span: the result count and the relevance scores on
 * {@code end}, the query and retrieved text only as far as {@link ContentCapture} allows. The
 * parent is the AI-service invocation named in the query's metadata, else the current span.
 */
final class RetrievalListener implements ContentRetrieverListener {
  private static final Object SPAN = new Object();

  private final Streamll streamll;
  private final Capture capture;
  private final Correlation correlation;
  private final String retrieverName;

  RetrievalListener(
      Streamll streamll, Capture capture, Correlation correlation, String retrieverName) {
    this.streamll = streamll;
    this.capture = capture;
    this.correlation = correlation;
    this.retrieverName = retrieverName;
  }

  @Override
  public void onRequest(ContentRetrieverRequestContext context) {
    Query query = context.query();
    Span module =
        query != null && query.metadata() != null
            ? correlation.module(query.metadata().invocationContext())
            : null;
    SpanBuilder span =
        streamll
            .span("retrieve")
            .method(retrieverName)
            .parent(module != null ? module : Span.current())
            .makeCurrent(false);
    String text = capture.apply(ContentCapture.Kind.QUERY, query == null ? null : query.text());
    if (text != null) {
      span.data("query", text);
    }
    context.attributes().put(SPAN, span.start());
  }

  @Override
  public void onResponse(ContentRetrieverResponseContext context) {
    Span span = span(context.attributes());
    if (span == null) {
      return;
    }
    List<Content> contents = context.contents() == null ? List.of() : context.contents();
    List<Double> scores = new ArrayList<>();
    List<String> documents = new ArrayList<>();
    for (Content content : contents) {
      Object score =
          content.metadata() == null ? null : content.metadata().get(ContentMetadata.SCORE);
      if (score instanceof Number) {
        scores.add(((Number) score).doubleValue());
      }
      String text =
          content.textSegment() == null
              ? null
              : capture.apply(ContentCapture.Kind.RETRIEVED, content.textSegment().text());
      if (text != null) {
        documents.add(text);
      }
    }
    span.set("result_count", contents.size());
    span.set("scores", scores);
    if (!documents.isEmpty()) {
      span.set("documents", documents);
    }
    span.close();
  }

  @Override
  public void onError(ContentRetrieverErrorContext context) {
    Span span = span(context.attributes());
    if (span != null) {
      span.fail(context.error());
      span.close();
    }
  }

  private static Span span(Map<Object, Object> attributes) {
    return attributes == null ? null : (Span) attributes.get(SPAN);
  }
}
