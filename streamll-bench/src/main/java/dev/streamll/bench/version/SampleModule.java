package dev.streamll.bench.version;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** A module shaped like a small RAG step: the class whose version the benchmark computes. */
public class SampleModule {
  private static final String PROMPT = "Answer using the context.\nContext:\n%s\nQuestion: %s";
  private final List<String> documents;
  private final int topK;

  public SampleModule(List<String> documents, int topK) {
    this.documents = List.copyOf(documents);
    this.topK = topK;
  }

  public String forward(String question) {
    List<String> context = retrieve(question);
    Function<String, String> clean = s -> s.strip().toLowerCase(Locale.ROOT);
    String prompt = String.format(PROMPT, String.join("\n", context), clean.apply(question));
    return prompt.length() > 4_000 ? prompt.substring(0, 4_000) : prompt;
  }

  private List<String> retrieve(String question) {
    List<String> scored = new ArrayList<>(documents);
    scored.sort(Comparator.comparingInt((String d) -> score(d, question)).reversed());
    return scored.subList(0, Math.min(topK, scored.size()));
  }

  private int score(String document, String question) {
    int score = 0;
    for (String word : question.split("\\s+")) {
      if (document.contains(word)) {
        score += word.length();
      }
    }
    return score;
  }

  public String describe() {
    return "sample(" + documents.size() + " documents, top " + topK + ")";
  }
}
