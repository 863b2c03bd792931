package dev.streamll.cli;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Named replay cursors, one file per name in a directory ({@code $STREAMLL_HOME/replay-cursors}),
 * so an interrupted or failed {@code streamll replay --cursor NAME} resumes where delivery was last
 * confirmed.
 *
 * <p>File format ({@code NAME.cursor}, UTF-8 Java properties):
 *
 * <pre>
 * source=journal:/srv/app/.streamll/journal
 * next_sequence=1234
 * </pre>
 *
 * {@code next_sequence} is the source sequence of the first event not yet confirmed by the target;
 * {@code source} is the source the cursor belongs to, so a name reused for another source is
 * refused rather than silently skipping events. A file is replaced atomically (written to {@code
 * NAME.cursor.tmp}, then renamed), so a crash leaves either the old or the new position, never a
 * torn one. Resuming may deliver events confirmed after the last save again (at-least-once).
 */
final class ReplayCursors {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,100}");

  /** A saved position. */
  record Position(String source, long nextSequence) {}

  private final Path directory;

  ReplayCursors(Path directory) {
    this.directory = directory;
  }

  /**
   * Checks a cursor name.
   *
   * @throws IllegalArgumentException naming the allowed characters
   */
  static void validateName(String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "cursor name '"
              + name
              + "' is not allowed: use 1 to 100 letters, digits, '.', '_' or '-'");
    }
  }

  Path file(String name) {
    return directory.resolve(name + ".cursor");
  }

  /**
   * The saved position of {@code name}, if any.
   *
   * @throws CliException when the file cannot be read or is damaged, naming the file
   */
  Optional<Position> load(String name) {
    Path file = file(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
      String source = properties.getProperty("source");
      long next = Long.parseLong(properties.getProperty("next_sequence", ""));
      if (source == null || next < 0) {
        throw new NumberFormatException("missing source or negative next_sequence");
      }
      return Optional.of(new Position(source, next));
    } catch (IOException e) {
      throw CliException.failure("cannot read replay cursor " + file + ": " + e.getMessage(), e);
    } catch (NumberFormatException e) {
      throw CliException.failure(
          "replay cursor " + file + " is damaged (" + e.getMessage() + "); delete it to start over",
          e);
    }
  }

  void save(String name, Position position) {
    Path file = file(name);
    Path temp = directory.resolve(name + ".cursor.tmp");
    try {
      Files.createDirectories(directory);
      StringBuilder text = new StringBuilder();
      text.append("source=").append(escape(position.source())).append('\n');
      text.append("next_sequence=").append(position.nextSequence()).append('\n');
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw CliException.failure("cannot save replay cursor " + file + ": " + e.getMessage(), e);
    }
  }

  // Properties syntax: these characters would otherwise change the meaning of the line.
  private static String escape(String value) {
    StringBuilder escaped = new StringBuilder();
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\n' -> escaped.append("\\n");
        case '\r' -> escaped.append("\\r");
        case '\\', ':', '=', '#', '!' -> escaped.append('\\').append(c);
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
