package dev.streamll.cli;

import picocli.CommandLine.ExitCode;

/**
 * Something the user can fix: printed as one line (no stack trace unless {@code --verbose}), with
 * exit code 1 for a failed operation or 2 for bad input given on the command line.
 */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  private CliException(String message, Throwable cause, int exitCode) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The operation failed (source unreadable, sink down, …): exit code 1. */
  static CliException failure(String message) {
    return new CliException(message, null, ExitCode.SOFTWARE);
  }

  static CliException failure(String message, Throwable cause) {
    return new CliException(message, cause, ExitCode.SOFTWARE);
  }

  /** An argument is wrong (malformed URL, unknown scheme, …): exit code 2. */
  static CliException usage(String message, Throwable cause) {
    return new CliException(message, cause, ExitCode.USAGE);
  }

  int exitCode() {
    return exitCode;
  }
}
