package dev.streamll.langchain4j;

/**
 * The {@code error_type} of the {@code module_forward} error event that ends an invocation nothing
 * can end any more: LangChain4j's state for it became unreachable before it reported an end —
 * typically a {@code TokenStream} the application dropped without calling {@code start()}.
 */
public final class InvocationAbandonedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  InvocationAbandonedException(boolean modelCalled) {
    super(
        modelCalled
            ? "the invocation became unreachable after it called the model: the streaming model"
                + " dropped its response handler without completing or failing"
            : "the TokenStream was never started: it became unreachable before it called the"
                + " model",
        null,
        false,
        false);
  }
}
