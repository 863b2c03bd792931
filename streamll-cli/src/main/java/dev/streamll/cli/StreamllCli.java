package dev.streamll.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * The {@code streamll} command. Exit codes: 0 success, 1 the operation failed (the message says why
 * and what to do), 2 the command line was wrong. User errors print one line; {@code --verbose} adds
 * the stack trace.
 */
@Command(
    name = "streamll",
    mixinStandardHelpOptions = true,
    scope = ScopeType.INHERIT,
    versionProvider = StreamllCli.Version.class,
    description = "Watch, measure and move the events of LLM applications.",
    footer = {
      "",
      "Exit codes: 0 ok, 1 failure, 2 usage error.",
      "Start with: ./streamll demo, then ./streamll tail and ./streamll stats."
    })
public final class StreamllCli implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--verbose",
      scope = ScopeType.INHERIT,
      description = "Print details and stack traces of errors, and log at INFO.")
  boolean verbose;

  /** Runs {@code streamll} with {@code args} and exits with its exit code. */
  public static void main(String[] args) {
    configureLogging(Arrays.asList(args).contains("--verbose"));
    CommandLine commandLine = commandLine(CliContext.system());
    commandLine.setOut(utf8(System.out));
    commandLine.setErr(utf8(System.err));
    int exitCode = commandLine.execute(args);
    commandLine.getOut().flush();
    commandLine.getErr().flush();
    System.exit(exitCode);
  }

  private static PrintWriter utf8(java.io.PrintStream stream) {
    return new PrintWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
  }

  // The forwarder and sinks log through SLF4J; a command line shows only warnings unless asked.
  private static void configureLogging(boolean verbose) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.levelInBrackets", "true");
    // Client libraries log every reconnect attempt (Kafka's NetworkClient several per second);
    // the commands report the outcome in one line, so their warnings only show with --verbose.
    // The demo's embedding runtime warns about a missing GPU on every start, which is expected.
    for (String library :
        List.of("org.apache.kafka", "io.lettuce", "io.netty", "com.rabbitmq", "ai.djl")) {
      setIfAbsent("org.slf4j.simpleLogger.log." + library, verbose ? "info" : "error");
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The command line with every subcommand, bound to {@code context}. */
  public static CommandLine commandLine(CliContext context) {
    CommandLine commandLine = new CommandLine(new StreamllCli());
    commandLine.addSubcommand(new DemoCommand(context));
    commandLine.addSubcommand(new TailCommand(context));
    commandLine.addSubcommand(new StatsCommand(context));
    commandLine.addSubcommand(new ReplayCommand(context));
    commandLine.addSubcommand(new DoctorCommand(context));
    commandLine.setColorScheme(
        Help.defaultColorScheme(context.color() ? Help.Ansi.ON : Help.Ansi.OFF));
    commandLine.setExecutionExceptionHandler(StreamllCli::handleExecutionException);
    commandLine.setParameterExceptionHandler(StreamllCli::handleParameterException);
    return commandLine;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCode.USAGE;
  }

  private static int handleExecutionException(
      Exception error, CommandLine command, ParseResult parseResult) {
    PrintWriter err = command.getErr();
    boolean verbose = isVerbose(command);
    String message = error.getMessage() == null ? "" : firstLine(error.getMessage());
    boolean expected = error instanceof CliException || isUserError(error);
    String prefix = command.getCommandName().equals("streamll") ? "streamll" : qualified(command);
    if (expected) {
      err.println(prefix + ": " + message);
    } else {
      err.println(
          prefix
              + ": internal error: "
              + error.getClass().getSimpleName()
              + (message.isEmpty() ? "" : ": " + message)
              + (verbose ? "" : " (run again with --verbose for the stack trace)"));
    }
    if (verbose) {
      error.printStackTrace(err);
    }
    err.flush();
    return error instanceof CliException ? ((CliException) error).exitCode() : ExitCode.SOFTWARE;
  }

  // Errors whose message was written for a person: bad options, unreachable sinks, journals.
  private static boolean isUserError(Exception error) {
    return error instanceof IllegalArgumentException
        || error instanceof dev.streamll.sink.SinkException
        || error instanceof dev.streamll.journal.JournalException
        || error instanceof java.io.UncheckedIOException;
  }

  private static int handleParameterException(ParameterException error, String[] args) {
    CommandLine command = error.getCommandLine();
    PrintWriter err = command.getErr();
    err.println(qualified(command) + ": " + firstLine(error.getMessage()));
    UnmatchedArgumentException.printSuggestions(error, err);
    err.println("Try '" + qualified(command) + " --help' for more information.");
    if (isVerbose(command)) {
      error.printStackTrace(err);
    }
    err.flush();
    return ExitCode.USAGE;
  }

  private static String qualified(CommandLine command) {
    return command.getCommandSpec().qualifiedName();
  }

  private static boolean isVerbose(CommandLine command) {
    var option = command.getCommandSpec().findOption("--verbose");
    return option != null && Boolean.TRUE.equals(option.getValue());
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  /** The version from the jar manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StreamllCli.class.getPackage().getImplementationVersion();
      return new String[] {"streamll " + (version == null ? "development" : version)};
    }
  }
}
