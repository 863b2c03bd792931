package dev.streamll.demo;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code ./streamll demo} was asked for.
 *
 * @param journalDirectory where the demo's journal lives (default {@code ./.streamll/journal})
 * @param extraSinkUrls sinks added with {@code --sink URL}, besides the terminal
 * @param out where the demo prints its own messages
 */
public record DemoOptions(Path journalDirectory, List<String> extraSinkUrls, PrintStream out) {
  public DemoOptions {
    extraSinkUrls = List.copyOf(extraSinkUrls);
  }
}
