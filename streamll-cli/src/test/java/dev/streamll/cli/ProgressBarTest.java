package dev.streamll.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {

  @Test
  void drawsABarWhenTheTotalIsKnownAndACountOtherwise() {
    StringWriter text = new StringWriter();
    ProgressBar known = new ProgressBar(new PrintWriter(text), true, 1000);
    ProgressBar unknown = new ProgressBar(new PrintWriter(text), true, -1);

    assertThat(known.line(250, 0, System.nanoTime()))
        .startsWith("[#######.......................]  25%  250/1,000");
    assertThat(unknown.line(1234, 3, System.nanoTime()))
        .startsWith("1,234 delivered")
        .contains("3 failed attempts");
  }

  @Test
  void drawsNothingWhenNotOnATerminal() {
    StringWriter text = new StringWriter();
    ProgressBar bar = new ProgressBar(new PrintWriter(text), false, 10);

    bar.update(5, 0);
    bar.finish(10, 0);

    assertThat(text.toString()).isEmpty();
  }
}
