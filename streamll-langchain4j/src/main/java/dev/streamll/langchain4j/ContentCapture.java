package dev.streamll.langchain4j;

import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Decides what prompt, completion, tool and retrieval text goes into events. Without it (the
 * default, {@link #none()}) events carry names, counts, timings and usage but no text, so turning
 * StreamLL on never copies user data into a broker.
 *
 * <pre>{@code
 * ContentCapture masked = ContentCapture.redacting(text -> EMAIL.matcher(text).replaceAll("<email>"));
 * }</pre>
 *
 * <p>Called on the application's and the model client's threads, once per message, tool call,
 * retrieved segment and streamed token: keep it fast and side-effect free. An exception thrown here
 * drops that piece of text (and is logged), it never reaches the application.
 */
@FunctionalInterface
public interface ContentCapture {

  /** Which kind of text is offered, so a policy can keep some kinds and drop others. */
  enum Kind {
    /** Messages sent to the model: system, user, tool results, and the AI-service input. */
    PROMPT,
    /** The model's complete answer, and the AI-service result. */
    COMPLETION,
    /** One streamed partial response. */
    TOKEN,
    /** The text a content retriever searched for. */
    QUERY,
    /** A retrieved segment. */
    RETRIEVED,
    /** The JSON arguments the model passed to a tool. */
    TOOL_ARGUMENTS,
    /** What a tool returned (or the error text sent back to the model). */
    TOOL_RESULT
  }

  /**
   * Returns the text to record for {@code text}, possibly redacted, or null to record nothing.
   *
   * @param text never null
   */
  String capture(Kind kind, String text);

  /** Records no text at all (the default). */
  static ContentCapture none() {
    return (kind, text) -> null;
  }

  /** Records all text unchanged: for development and for data you may copy to every sink. */
  static ContentCapture all() {
    return (kind, text) -> text;
  }

  /** Records all text after passing it through {@code redactor}. */
  static ContentCapture redacting(UnaryOperator<String> redactor) {
    Objects.requireNonNull(redactor, "redactor");
    return (kind, text) -> redactor.apply(text);
  }
}
