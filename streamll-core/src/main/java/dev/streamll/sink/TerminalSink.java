package dev.streamll.sink;

import dev.streamll.event.EventIds;
import dev.streamll.event.EventTypes;
import dev.streamll.event.StreamllEvent;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints events for a person watching a terminal:
 *
 * <pre>
 * [16:31:42] ▶ llm_call (a1b2c3) ChatBot.ask
 * [16:31:42]   (a1b2c3) Hello, how can I help?
 * [16:31:43] ■ llm_call (a1b2c3) 1.23s {tokens: 6}
 * [16:31:43] ✗ retrieve (d4e5f6) 0.02s IOException: index missing
 * </pre>
 *
 * Tokens are appended inline as they arrive. When events of another span arrive while a token line
 * is open, the line is ended first and resumed later with its span id, so concurrent executions
 * never interleave mid-line. Colours only when the output is a terminal and {@code NO_COLOR} is
 * unset.
 */
public final class TerminalSink implements Sink {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
  private static final String RESET = "\u001b[0m";
  private static final String DIM = "\u001b[2m";
  private static final String GREEN = "\u001b[32m";
  private static final String BLUE = "\u001b[34m";
  private static final String RED = "\u001b[31m";
  private static final String YELLOW = "\u001b[33m";

  private final PrintStream out;
  private final boolean color;
  private final boolean showTokens;
  private final boolean showData;
  private final Map<String, Integer> tokensBySpan = new HashMap<>();
  private String openTokenLine;

  private TerminalSink(Builder builder) {
    this.out = builder.out;
    this.color = builder.color;
    this.showTokens = builder.showTokens;
    this.showData = builder.showData;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options for a {@link TerminalSink}. */
  public static final class Builder {
    private PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    private boolean color = System.console() != null && System.getenv("NO_COLOR") == null;
    private boolean showTokens = true;
    private boolean showData;

    private Builder() {}

    /** Where to print (default standard output); colours are turned off for other streams. */
    public Builder out(PrintStream out) {
      this.out = out;
      this.color = false;
      return this;
    }

    /** Force colours on or off; {@code NO_COLOR} still wins. */
    public Builder color(boolean color) {
      this.color = color && System.getenv("NO_COLOR") == null;
      return this;
    }

    public Builder showTokens(boolean showTokens) {
      this.showTokens = showTokens;
      return this;
    }

    public Builder showData(boolean showData) {
      this.showData = showData;
      return this;
    }

    public TerminalSink build() {
      return new TerminalSink(this);
    }
  }

  @Override
  public String name() {
    return "terminal";
  }

  @Override
  public void write(List<EncodedEvent> batch) {
    StringBuilder text = new StringBuilder(batch.size() * 64);
    for (EncodedEvent encoded : batch) {
      format(encoded.event(), text);
    }
    synchronized (out) {
      out.print(text);
      out.flush();
    }
  }

  /** Appends the terminal form of {@code event} to {@code text}, keeping per-span line state. */
  public void format(StreamllEvent event, StringBuilder text) {
    String id = EventIds.shortId(event.spanId());
    switch (event.eventType()) {
      case EventTypes.TOKEN:
        tokensBySpan.merge(event.spanId(), 1, Integer::sum);
        if (!showTokens) {
          return;
        }
        if (!event.spanId().equals(openTokenLine)) {
          endTokenLine(text);
          prefix(event, text).append("  ").append(paint(DIM, "(" + id + ")")).append(' ');
          openTokenLine = event.spanId();
        }
        text.append(String.valueOf(event.data().getOrDefault("token", "")));
        return;
      case EventTypes.START:
        endTokenLine(text);
        prefix(event, text)
            .append(paint(BLUE, "▶ "))
            .append(event.operation())
            .append(' ')
            .append(paint(DIM, "(" + id + ") " + event.moduleName() + "." + event.methodName()));
        break;
      case EventTypes.END:
        endTokenLine(text);
        prefix(event, text)
            .append(paint(GREEN, "■ "))
            .append(event.operation())
            .append(' ')
            .append(paint(DIM, "(" + id + ")"))
            .append(duration(event));
        Integer tokens = tokensBySpan.remove(event.spanId());
        if (tokens != null) {
          text.append(" {tokens: ").append(tokens).append('}');
        }
        break;
      case EventTypes.ERROR:
        endTokenLine(text);
        tokensBySpan.remove(event.spanId());
        prefix(event, text)
            .append(paint(RED, "✗ "))
            .append(event.operation())
            .append(' ')
            .append(paint(DIM, "(" + id + ")"))
            .append(duration(event))
            .append(' ')
            .append(
                paint(
                    RED,
                    simpleName(event.data().get("error_type"))
                        + ": "
                        + event.data().getOrDefault("error_message", "")));
        break;
      default:
        endTokenLine(text);
        prefix(event, text)
            .append(paint(YELLOW, "• "))
            .append(event.eventType())
            .append(' ')
            .append(event.operation())
            .append(' ')
            .append(paint(DIM, "(" + id + ")"));
        if (!showData && !event.data().isEmpty()) {
          text.append(' ').append(event.data());
        }
        break;
    }
    if (showData && !event.data().isEmpty()) {
      text.append(' ').append(paint(DIM, event.data().toString()));
    }
    text.append('\n');
  }

  private void endTokenLine(StringBuilder text) {
    if (openTokenLine != null) {
      text.append('\n');
      openTokenLine = null;
    }
  }

  private StringBuilder prefix(StreamllEvent event, StringBuilder text) {
    return text.append(paint(DIM, "[" + TIME.format(event.timestamp()) + "]")).append(' ');
  }

  private static String duration(StreamllEvent event) {
    Object seconds = event.data().get("duration_seconds");
    if (seconds instanceof Number) {
      return String.format(Locale.ROOT, " %.2fs", ((Number) seconds).doubleValue());
    }
    return "";
  }

  private static String simpleName(Object className) {
    String name = String.valueOf(className);
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private String paint(String code, String text) {
    return color ? code + text + RESET : text;
  }

  @Override
  public void close() {
    synchronized (out) {
      if (openTokenLine != null) {
        out.println();
        openTokenLine = null;
      }
      out.flush();
    }
  }
}
