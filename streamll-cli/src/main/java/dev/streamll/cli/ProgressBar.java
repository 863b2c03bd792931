package dev.streamll.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress display redrawn in place with carriage returns; only on a terminal; piped
 * output gets just the final summary. Redraws at most ten times a second.
 */
final class ProgressBar {
  private static final int WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000;

  private final PrintWriter out;
  private final boolean enabled;
  private final long startNanos = System.nanoTime();
  private long total;
  private long lastDraw;
  private boolean drawn;

  /** {@code total} is the expected count, or a negative number when unknown. */
  ProgressBar(PrintWriter out, boolean enabled, long total) {
    this.out = out;
    this.enabled = enabled;
    this.total = total;
  }

  void update(long done, long failedAttempts) {
    long now = System.nanoTime();
    if (!enabled || (drawn && now - lastDraw < REDRAW_NANOS)) {
      return;
    }
    lastDraw = now;
    drawn = true;
    out.print('\r');
    out.print(line(done, failedAttempts, now));
    out.flush();
  }

  String line(long done, long failedAttempts, long now) {
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    String rate = String.format(Locale.ROOT, "%,.0f/s", done / seconds);
    String retries = failedAttempts > 0 ? "  " + failedAttempts + " failed attempts" : "";
    if (total < done) {
      total = -1;
    }
    if (total <= 0) {
      return String.format(Locale.ROOT, "%,d delivered  %s%s   ", done, rate, retries);
    }
    int filled = (int) (WIDTH * done / total);
    return String.format(
        Locale.ROOT,
        "[%s%s] %3d%%  %,d/%,d  %s%s   ",
        "#".repeat(filled),
        ".".repeat(WIDTH - filled),
        100 * done / total,
        done,
        total,
        rate,
        retries);
  }

  /** Draws the final state and ends the line so the summary starts on a fresh one. */
  void finish(long done, long failedAttempts) {
    if (!enabled) {
      return;
    }
    out.print('\r');
    out.print(line(done, failedAttempts, System.nanoTime()));
    out.print('\n');
    out.flush();
  }
}
