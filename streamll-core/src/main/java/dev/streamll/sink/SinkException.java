package dev.streamll.sink;

/**
 * A sink failed in a way a person can act on. The message names the setting at fault and the fix,
 * e.g. {@code "redis://localhost:6380: connection refused — is redis-server running?"}.
 */
public class SinkException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public SinkException(String message) {
    super(message);
  }

  public SinkException(String message, Throwable cause) {
    super(message, cause);
  }
}
