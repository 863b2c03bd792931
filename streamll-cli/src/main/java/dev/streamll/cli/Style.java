package dev.streamll.cli;

/** ANSI colours for the commands' own output, or plain text when colours are off. */
public final class Style {
  private static final String RESET = "\u001b[0m";

  private final boolean color;

  public Style(boolean color) {
    this.color = color;
  }

  /** {@code name} followed by a colon, once: {@code terminal:} stays as it is. */
  public static String label(String name) {
    return name.endsWith(":") ? name : name + ":";
  }

  public String bold(String text) {
    return paint("\u001b[1m", text);
  }

  public String dim(String text) {
    return paint("\u001b[2m", text);
  }

  public String red(String text) {
    return paint("\u001b[31m", text);
  }

  public String green(String text) {
    return paint("\u001b[32m", text);
  }

  public String yellow(String text) {
    return paint("\u001b[33m", text);
  }

  private String paint(String code, String text) {
    return color ? code + text + RESET : text;
  }
}
