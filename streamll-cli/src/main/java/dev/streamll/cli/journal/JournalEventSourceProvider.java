package dev.streamll.cli.journal;

import dev.streamll.sink.SinkUrl;
import dev.streamll.source.EventSource;
import dev.streamll.source.EventSourceProvider;
import java.nio.file.Path;
import java.util.Set;

/**
 * {@code journal:DIR}: reads a journal directory ({@code journal:/var/app/.streamll/journal},
 * {@code journal:relative/dir} or {@code journal:///abs/dir}). Relative paths resolve against the
 * working directory.
 */
public final class JournalEventSourceProvider implements EventSourceProvider {

  @Override
  public Set<String> schemes() {
    return Set.of("journal");
  }

  @Override
  public EventSource open(SinkUrl url) {
    return JournalEventSource.open(directory(url, Path.of("")));
  }

  /** The directory a {@code journal:} URL names, resolved against {@code base}. */
  public static Path directory(SinkUrl url, Path base) {
    String path = url.uri().getSchemeSpecificPart();
    int query = path.indexOf('?');
    if (query >= 0) {
      path = path.substring(0, query);
    }
    if (path.startsWith("//")) {
      path = path.substring(2);
    }
    if (path.isEmpty()) {
      throw new IllegalArgumentException(
          "source URL '" + url.redacted() + "' names no directory; use journal:/path/to/journal");
    }
    return base.toAbsolutePath().resolve(path).normalize();
  }
}
