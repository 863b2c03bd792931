package dev.streamll.sink;

import java.util.Set;

/**
 * {@code terminal:} with options {@code tokens} (default true), {@code data} (default false) and
 * {@code color} ({@code auto}, {@code true}, {@code false}).
 */
public final class TerminalSinkProvider implements SinkProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("terminal");
  }

  @Override
  public Sink create(SinkUrl url) {
    TerminalSink.Builder builder =
        TerminalSink.builder()
            .showTokens(url.booleanOption("tokens", true))
            .showData(url.booleanOption("data", false));
    String color = url.option("color", "auto");
    if (!color.equals("auto")) {
      builder.color(url.booleanOption("color", false));
    }
    return builder.build();
  }
}
