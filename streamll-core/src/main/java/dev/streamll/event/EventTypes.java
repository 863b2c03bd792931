package dev.streamll.event;

/** The event types StreamLL emits itself; applications may add their own. */
public final class EventTypes {
  public static final String START = "start";
  public static final String TOKEN = "token";
  public static final String END = "end";
  public static final String ERROR = "error";

  private EventTypes() {}
}
