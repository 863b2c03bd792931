package dev.streamll.demo;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo's documents (bundled under {@code dev/streamll/demo/knowledge/}, listed in {@code
 * index.txt}), one segment per paragraph, embedded in process with the quantized all-MiniLM-L6-v2
 * model that ships inside its jar, and held in an in-memory embedding store.
 */
final class KnowledgeBase {
  private static final String FOLDER = "/dev/streamll/demo/knowledge/";

  private final EmbeddingModel embeddings;
  private final InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
  private final int segments;

  private KnowledgeBase(EmbeddingModel embeddings, List<TextSegment> segments) {
    this.embeddings = embeddings;
    List<Embedding> vectors = embeddings.embedAll(segments).content();
    store.addAll(vectors, segments);
    this.segments = segments.size();
  }

  static KnowledgeBase load() {
    List<TextSegment> segments = new ArrayList<>();
    for (String name : read("index.txt").split("\\R")) {
      if (name.isBlank()) {
        continue;
      }
      for (String paragraph : read(name.trim()).split("\\R\\s*\\R")) {
        String text = paragraph.trim();
        if (!text.isEmpty() && !text.startsWith("#")) {
          segments.add(TextSegment.from(text, Metadata.from("source", name.trim())));
        }
      }
    }
    return new KnowledgeBase(new AllMiniLmL6V2QuantizedEmbeddingModel(), segments);
  }

  int segments() {
    return segments;
  }

  ContentRetriever retriever() {
    return EmbeddingStoreContentRetriever.builder()
        .embeddingStore(store)
        .embeddingModel(embeddings)
        .maxResults(2)
        .minScore(0.3)
        .build();
  }

  private static String read(String name) {
    try (InputStream in = KnowledgeBase.class.getResourceAsStream(FOLDER + name)) {
      if (in == null) {
        throw new IllegalStateException(
            "demo document " + FOLDER + name + " is missing from the jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read demo document " + name, e);
    }
  }
}
