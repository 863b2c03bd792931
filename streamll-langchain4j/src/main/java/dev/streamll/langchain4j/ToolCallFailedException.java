package dev.streamll.langchain4j;

/**
 * The {@code error_type} of a {@code tool_call} error event: LangChain4j catches a failing tool's
 * exception and sends its message back to the model, so what StreamLL sees is that message.
 */
public final class ToolCallFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ToolCallFailedException(String toolName, String message) {
    super("tool " + toolName + " failed: " + message, null, false, false);
  }
}
