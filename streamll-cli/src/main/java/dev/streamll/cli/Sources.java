package dev.streamll.cli;

import dev.streamll.cli.journal.JournalEventSource;
import dev.streamll.cli.journal.JournalEventSourceProvider;
import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import java.time.Instant;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns what the user typed as SOURCE into an {@link EventSource}: a bare path or {@code journal:}
 * URL is a journal directory; any other URL goes to the {@link EventSourceProvider} registered for
 * its scheme (the sink modules register redis, amqp and kafka).
 */
final class Sources {
  private static final Pattern URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:.*");
  private static final Pattern WINDOWS_DRIVE = Pattern.compile("[A-Za-z]:[\\\\/].*");

  private Sources() {}

  /** Opens {@code spec}, or the default journal when it is null. */
  static EventSource open(String spec, CliContext context) {
    if (spec == null) {
      return JournalEventSource.open(context.defaultJournal());
    }
    if (!URL.matcher(spec).matches() || WINDOWS_DRIVE.matcher(spec).matches()) {
      return JournalEventSource.open(context.resolve(spec));
    }
    SinkUrl url = parse(spec);
    if (url.scheme().equals("journal")) {
      try {
        return JournalEventSource.open(
            JournalEventSourceProvider.directory(url, context.workingDirectory()));
      } catch (IllegalArgumentException e) {
        throw CliException.usage(e.getMessage(), e);
      }
    }
    EventSourceProvider provider = provider(url);
    try {
      return provider.open(url);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage(), e);
    }
  }

  /**
   * Lets a journal source skip, by its time index, the records older than {@code since}, which the
   * command's filter would drop anyway; other sources read from their start.
   */
  static void skipOlderThan(EventSource events, Instant since) {
    if (since != null && events instanceof JournalEventSource journal) {
      journal.skipOlderThan(since);
    }
  }

  private static SinkUrl parse(String spec) {
    try {
      return SinkUrl.parse(spec);
    } catch (IllegalArgumentException e) {
      throw CliException.usage(e.getMessage().replaceFirst("^sink URL", "source URL"), e);
    }
  }

  private static EventSourceProvider provider(SinkUrl url) {
    TreeSet<String> known = new TreeSet<>();
    known.add("journal");
    for (EventSourceProvider provider :
        ServiceLoader.load(EventSourceProvider.class, Sources.class.getClassLoader())) {
      if (provider.schemes().contains(url.scheme())) {
        return provider;
      }
      known.addAll(provider.schemes());
    }
    throw CliException.usage(
        "cannot read from '"
            + url.redacted()
            + "': no event source for scheme '"
            + url.scheme()
            + "' in this build; sources available: "
            + String.join(", ", known)
            + " (or a journal directory path)",
        null);
  }
}
