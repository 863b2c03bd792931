package dev.streamll.cli;

import dev.streamll.cli.journal.JournalEventSource;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.forward.Forwarder;
import dev.streamll.forward.ForwarderOptions;
import dev.streamll.forward.MonotonicClock;
import dev.streamll.journal.FullPolicy;
import dev.streamll.journal.InMemoryJournal;
import dev.streamll.journal.JournalFullException;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.Sinks;
import dev.streamll.source.EventSource;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamll replay}: sends stored events to a sink through a {@link Forwarder}, the same
 * batching, retry, backoff and circuit breaker as live delivery.
 *
 * <p>The source is read into a bounded in-memory journal that the forwarder drains with its own
 * cursor; the source sequence of the last confirmed event is saved under {@code --cursor}, so a
 * failed or interrupted replay resumes there. Delivery is at-least-once: events confirmed after the
 * last save are sent again on resume.
 */
@Command(
    name = "replay",
    description = {
      "Send stored events to a sink (backfill a new consumer, recover from an outage).",
      "Prints delivered and failed counts; exits with 1 if any event was not delivered."
    })
final class ReplayCommand implements Callable<Integer> {
  private static final Pattern SEQUENCE = Pattern.compile("\\d+");
  private static final long BUFFER_BYTES = 32L << 20;
  private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(250);

  private final CliContext context;

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "SOURCE",
      description = "Journal directory or URL to read from.")
  String source;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "URL",
      description = "Target sink, e.g. redis://localhost:6379, kafka://localhost:9092/events.")
  String target;

  @Option(
      names = "--from",
      paramLabel = "SEQ|TIME",
      description =
          "Start at this source sequence, or at this time (an age like 2h or an ISO-8601 time).")
  String from;

  @Option(
      names = "--cursor",
      paramLabel = "NAME",
      description =
          "Save progress under NAME in $STREAMLL_HOME/replay-cursors and resume from it when it"
              + " exists.")
  String cursorName;

  @Option(
      names = "--give-up-after",
      paramLabel = "DURATION",
      defaultValue = "30s",
      description =
          "Stop when the target confirms nothing for this long (default: ${DEFAULT-VALUE}).")
  String giveUpAfter;

  @Mixin SelectionOptions selectionOptions;

  ReplayCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Duration patience = duration();
    EventSelection selection = selectionOptions.selection(Clock.systemDefaultZone());
    Long fromSequence = null;
    Instant fromTime = null;
    if (from != null) {
      if (SEQUENCE.matcher(from).matches()) {
        fromSequence = Long.parseLong(from);
      } else {
        try {
          fromTime = TimeSpec.parse(from, Clock.systemDefaultZone());
        } catch (IllegalArgumentException e) {
          throw new ParameterException(
              spec.commandLine(),
              "Invalid value for option '--from': use a sequence number or " + e.getMessage(),
              e,
              null,
              from);
        }
      }
    }
    ReplayCursors cursors = new ReplayCursors(context.home().resolve("replay-cursors"));
    if (cursorName != null) {
      try {
        ReplayCursors.validateName(cursorName);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, cursorName);
      }
    }
    Sink sink = createSink();
    // Until the run's forwarder owns the sink, errors here must close it.
    boolean handedOver = false;
    try (EventSource events = Sources.open(source, context)) {
      String sourceName = events.name();
      long start = fromSequence == null ? 0 : fromSequence;
      PrintWriter err = spec.commandLine().getErr();
      if (cursorName != null) {
        var saved = cursors.load(cursorName);
        if (saved.isPresent()) {
          if (!saved.get().source().equals(sourceName)) {
            throw CliException.failure(
                "cursor '"
                    + cursorName
                    + "' belongs to "
                    + saved.get().source()
                    + ", not "
                    + sourceName
                    + ": use another --cursor name, or delete "
                    + cursors.file(cursorName));
          }
          start = saved.get().nextSequence();
          err.println(
              "streamll replay: resuming cursor '"
                  + cursorName
                  + "' at sequence "
                  + start
                  + (from == null ? "" : " (--from applies only to a new cursor)"));
        }
      }
      Run run = new Run(events, sink, start, fromTime, selection, patience, cursors);
      handedOver = true;
      return run.execute();
    } finally {
      if (!handedOver) {
        sink.close();
      }
    }
  }

  private Duration duration() {
    try {
      Duration duration = TimeSpec.parseDuration(giveUpAfter);
      if (duration.isZero()) {
        throw new IllegalArgumentException("'" + giveUpAfter + "' must be longer than zero");
      }
      return duration;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--give-up-after': " + e.getMessage(),
          e,
          null,
          giveUpAfter);
    }
  }

  private Sink createSink() {
    try {
      return Sinks.create(target);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage().replaceFirst("^sink URL", "target URL"), e);
    }
  }

  /** One replay: feeds the buffer from the source while the forwarder drains it. */
  private final class Run {
    private final EventSource events;
    private final Sink sink;
    private final long start;
    private final Instant fromTime;
    private final EventSelection selection;
    private final Duration patience;
    private final ReplayCursors cursors;
    private final EventCodec codec = new EventCodec();
    private final InMemoryJournal buffer;
    private final Forwarder forwarder;
    // (buffer sequence, source sequence) of every fed event the target has not confirmed yet.
    private final ArrayDeque<long[]> unconfirmed = new ArrayDeque<>();
    private final ProgressBar progress;
    private long fed;
    private long skippedInvalid;
    private long lastSeen = -1;
    private long nextSource;
    private long lastConfirmed;
    private long lastProgressNanos = System.nanoTime();
    private long lastSaveNanos;
    private boolean gaveUp;

    Run(
        EventSource events,
        Sink sink,
        long start,
        Instant fromTime,
        EventSelection selection,
        Duration patience,
        ReplayCursors cursors) {
      this.events = events;
      this.sink = sink;
      this.start = start;
      this.nextSource = start;
      this.fromTime = fromTime;
      this.selection = selection;
      this.patience = patience;
      this.cursors = cursors;
      this.buffer =
          InMemoryJournal.builder()
              .maxBytes(BUFFER_BYTES)
              .fullPolicy(FullPolicy.BLOCK, patience)
              .build();
      ForwarderOptions options =
          ForwarderOptions.builder()
              .backoff(Duration.ofMillis(100), Duration.ofSeconds(2))
              .circuitBreaker(5, Duration.ofSeconds(5))
              .build();
      this.forwarder =
          new Forwarder(sink, buffer, "replay", options, codec, MonotonicClock.system());
      long total = -1;
      if (events instanceof JournalEventSource journal) {
        journal.startAt(start);
        Sources.skipOlderThan(journal, latest(fromTime, selection.since()));
        total = journal.nextSequence() - Math.max(journal.startSequence(), journal.firstSequence());
      }
      this.progress =
          new ProgressBar(spec.commandLine().getErr(), context.interactive(), Math.max(-1, total));
    }

    int execute() {
      PrintWriter out = spec.commandLine().getOut();
      try {
        forwarder.startSinkNow();
      } catch (Exception e) {
        forwarder.close(Duration.ZERO);
        throw CliException.failure(
            "cannot deliver to " + sink.name() + ": " + describe(e) + "; nothing was replayed", e);
      }
      forwarder.start();
      try {
        events.read(false, this::feed);
        buffer.commit();
        awaitDelivery();
      } finally {
        forwarder.close(Duration.ofSeconds(1));
        checkpoint(true);
        progress.finish(confirmed(), forwarder.health().failedAttempts());
        buffer.close();
      }
      long delivered = forwarder.health().delivered();
      long failed = fed - delivered;
      out.println(summary(delivered, failed));
      out.flush();
      return failed > 0 ? ExitCode.SOFTWARE : ExitCode.OK;
    }

    private boolean feed(EncodedEvent encoded) {
      if (encoded.sequence() < start) {
        return true;
      }
      lastSeen = encoded.sequence();
      if (fromTime != null || selection.filters()) {
        StreamllEvent event;
        try {
          event = encoded.event();
        } catch (IllegalArgumentException e) {
          skippedInvalid++;
          return true;
        }
        if ((fromTime != null && event.timestamp().isBefore(fromTime)) || !selection.test(event)) {
          return true;
        }
      }
      try {
        long sequence = buffer.append(encoded.json(), System.currentTimeMillis() * 1000);
        unconfirmed.add(new long[] {sequence, encoded.sequence()});
      } catch (JournalFullException e) {
        gaveUp = true;
        return false;
      }
      fed++;
      if (fed % 64 == 0) {
        buffer.commit();
        checkpoint(false);
      }
      return !Thread.currentThread().isInterrupted();
    }

    private void awaitDelivery() {
      while (!gaveUp && confirmed() < fed) {
        forwarder.awaitDelivered(fed, Duration.ofMillis(100));
        checkpoint(false);
        if (System.nanoTime() - lastProgressNanos > patience.toNanos()) {
          gaveUp = true;
        }
        if (Thread.currentThread().isInterrupted()) {
          return;
        }
      }
    }

    private long confirmed() {
      long end = buffer.nextSequence();
      return end - forwarder.outstanding(end);
    }

    /** Records progress and, at most every 250 ms (or when {@code force}), saves the cursor. */
    private void checkpoint(boolean force) {
      long confirmed = confirmed();
      if (confirmed > lastConfirmed) {
        lastConfirmed = confirmed;
        lastProgressNanos = System.nanoTime();
      }
      while (!unconfirmed.isEmpty() && unconfirmed.peekFirst()[0] < confirmed) {
        nextSource = unconfirmed.pollFirst()[1] + 1;
      }
      if (unconfirmed.isEmpty() && lastSeen >= nextSource) {
        // Everything read so far was delivered or filtered out.
        nextSource = lastSeen + 1;
      }
      progress.update(confirmed, forwarder.health().failedAttempts());
      long now = System.nanoTime();
      if (cursorName != null && (force || now - lastSaveNanos > CHECKPOINT_INTERVAL.toNanos())) {
        cursors.save(cursorName, new ReplayCursors.Position(events.name(), nextSource));
        lastSaveNanos = now;
      }
    }

    private String summary(long delivered, long failed) {
      Style style = context.style();
      StringBuilder text = new StringBuilder();
      text.append("replayed ")
          .append(events.name())
          .append(" → ")
          .append(Style.label(SinkUrl.redact(target)))
          .append(' ')
          .append(style.green(delivered + " delivered"))
          .append(", ")
          .append(failed > 0 ? style.red(failed + " failed") : failed + " failed");
      long attempts = forwarder.health().failedAttempts();
      if (attempts > 0) {
        text.append(", ").append(attempts).append(" write attempt(s) failed");
      }
      if (skippedInvalid > 0) {
        text.append(", ").append(skippedInvalid).append(" skipped (not valid events)");
      }
      if (failed > 0) {
        String lastError = forwarder.health().lastError();
        text.append("\nstopped: the target confirmed nothing for ")
            .append(giveUpAfter)
            .append(lastError == null ? "" : "; last error: " + lastError);
      }
      if (cursorName != null) {
        text.append("\ncursor '")
            .append(cursorName)
            .append("' is at sequence ")
            .append(nextSource)
            .append(failed > 0 ? "; run the same command again to resume" : "");
      }
      return text.toString();
    }
  }

  /** The later of two optional times, or null when both are. */
  private static Instant latest(Instant a, Instant b) {
    if (a == null || b == null) {
      return a == null ? b : a;
    }
    return a.isAfter(b) ? a : b;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null ? e.getClass().getSimpleName() : message;
  }
}
