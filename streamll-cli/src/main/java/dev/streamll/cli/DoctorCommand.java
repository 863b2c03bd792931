package dev.streamll.cli;

import dev.streamll.cli.journal.JournalEventSource;
import dev.streamll.event.EventCodec;
import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.EncodedEvent;
import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.Sinks;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code streamll doctor}: checks the journal and each sink the way an application would use them —
 * the host is reachable, the sink starts (connects and authenticates) and confirms a test event of
 * type {@code doctor} — and says what to do about each failure.
 */
@Command(
    name = "doctor",
    description = {
      "Check the journal and each sink: reachable, authenticated, writable.",
      "Writes one test event (event_type doctor) to each sink. Without URLs, checks the sinks in"
          + " $STREAMLL_SINKS (default terminal:)."
    })
final class DoctorCommand implements Callable<Integer> {
  private static final Map<String, Integer> DEFAULT_PORTS =
      Map.of("redis", 6379, "rediss", 6379, "amqp", 5672, "amqps", 5671, "kafka", 9092);
  private static final Pattern AUTH_FAILURE =
      Pattern.compile(
          "(?i).*(auth|password|WRONGPASS|NOAUTH|ACCESS_REFUSED|SASL|credential|not authorized"
              + "|permission).*");

  private final CliContext context;

  @Spec CommandSpec spec;

  @Parameters(
      arity = "0..*",
      paramLabel = "URL",
      description = "Sinks to check, e.g. redis://localhost:6379 amqp://guest:guest@localhost.")
  List<String> urls = new ArrayList<>();

  @Option(
      names = "--journal",
      paramLabel = "DIR",
      description = "Journal to check (default: .streamll/journal, or $STREAMLL_HOME/journal).")
  String journal;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10s",
      description = "How long each step may take (default: ${DEFAULT-VALUE}).")
  String timeout;

  private Style style;
  private PrintWriter out;

  DoctorCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    Duration limit = limit();
    style = context.style();
    out = spec.commandLine().getOut();
    out.println(style.bold("streamll doctor"));
    ok(
        "java "
            + System.getProperty("java.version")
            + " ("
            + System.getProperty("java.vendor")
            + ")");
    boolean healthy = checkJournal();
    List<String> targets = urls;
    if (targets.isEmpty()) {
      String configured = context.environment().get("STREAMLL_SINKS");
      targets = new ArrayList<>();
      for (String url :
          (configured == null || configured.isBlank() ? "terminal:" : configured).split(",")) {
        if (!url.isBlank()) {
          targets.add(url.trim());
        }
      }
      info(
          "sinks from "
              + (configured == null || configured.isBlank()
                  ? "the default (STREAMLL_SINKS is not set)"
                  : "STREAMLL_SINKS")
              + ": "
              + String.join(", ", targets));
    }
    int failed = 0;
    for (String url : targets) {
      String problem = checkSink(url, limit);
      if (problem == null) {
        continue;
      }
      failed++;
      fail(Style.label(SinkUrl.redact(url)) + " " + problem);
    }
    out.flush();
    if (failed > 0 || !healthy) {
      out.println(
          style.red(
              failed
                  + " of "
                  + targets.size()
                  + " sink(s) failed"
                  + (healthy ? "" : "; the journal has a problem")
                  + "."));
      return ExitCode.SOFTWARE;
    }
    out.println(style.green("All checks passed."));
    return ExitCode.OK;
  }

  private Duration limit() {
    try {
      return TimeSpec.parseDuration(timeout);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(),
          "Invalid value for option '--timeout': " + e.getMessage(),
          e,
          null,
          timeout);
    }
  }

  private boolean checkJournal() {
    Path directory = journal == null ? context.defaultJournal() : context.resolve(journal);
    if (!Files.exists(directory)) {
      info(
          "journal "
              + directory
              + ": not created yet; your application or ./streamll demo creates it on first run");
      return true;
    }
    try (JournalEventSource events = JournalEventSource.open(directory)) {
      long first = events.firstSequence();
      long next = events.nextSequence();
      String writable = Files.isWritable(directory) ? "" : "; the directory is NOT writable";
      if (!writable.isEmpty()) {
        fail(
            "journal "
                + directory
                + ": "
                + (next - first)
                + " events"
                + writable
                + " — applications cannot append; fix its permissions (chmod u+w)");
        return false;
      }
      ok(
          "journal "
              + directory
              + ": "
              + (next - first)
              + " events"
              + (next > first ? " (sequences " + first + "–" + (next - 1) + ")" : ""));
      return true;
    } catch (RuntimeException e) {
      fail("journal " + directory + ": " + e.getMessage());
      return false;
    }
  }

  /** Runs the checks for one sink; returns null when it passed, else what went wrong and why. */
  private String checkSink(String url, Duration limit) {
    SinkUrl parsed;
    try {
      parsed = SinkUrl.parse(url);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    List<String> passed = new ArrayList<>();
    List<String[]> endpoints = endpoints(parsed);
    for (String[] endpoint : endpoints) {
      String problem = reach(parsed.scheme(), endpoint[0], Integer.parseInt(endpoint[1]), limit);
      if (problem != null) {
        return "not reachable — " + problem;
      }
    }
    if (!endpoints.isEmpty()) {
      passed.add("reachable");
    }
    Sink sink;
    try {
      sink = Sinks.create(url);
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
    try {
      ExecutorService worker = Executors.newSingleThreadExecutor(this::daemon);
      try {
        String problem = step(worker, limit, sink::start);
        if (problem != null) {
          return "cannot connect — " + problem + advice(parsed, problem);
        }
        passed.add(parsed.host() == null ? "started" : "authenticated");
        long started = System.nanoTime();
        problem = step(worker, limit, () -> sink.write(List.of(testEvent())));
        if (problem != null) {
          return String.join(", ", passed)
              + ", but not writable — "
              + problem
              + advice(parsed, problem);
        }
        passed.add(
            String.format(
                Locale.ROOT,
                "writable (test event confirmed in %.0f ms)",
                (System.nanoTime() - started) / 1e6));
      } finally {
        worker.shutdownNow();
      }
    } finally {
      sink.close();
    }
    ok(Style.label(parsed.redacted()) + " " + String.join(", ", passed));
    return null;
  }

  private Thread daemon(Runnable task) {
    Thread thread = new Thread(task, "streamll-doctor");
    thread.setDaemon(true);
    return thread;
  }

  private interface Step {
    void run() throws Exception;
  }

  private static String step(ExecutorService worker, Duration limit, Step step) {
    Future<?> future =
        worker.submit(
            () -> {
              step.run();
              return null;
            });
    try {
      future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
      return null;
    } catch (TimeoutException e) {
      future.cancel(true);
      return "no answer within " + limit.toSeconds() + "s";
    } catch (ExecutionException e) {
      return message(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  private static EncodedEvent testEvent() {
    StreamllEvent event =
        StreamllEvent.builder()
            .moduleName("streamll-doctor")
            .methodName("check")
            .operation("doctor")
            .eventType("doctor")
            .data("message", "test event from streamll doctor; safe to ignore")
            .build();
    return EncodedEvent.of(0, event, new EventCodec());
  }

  /** host and port of each broker in the URL; kafka URLs may list several. */
  static List<String[]> endpoints(SinkUrl url) {
    Integer defaultPort = DEFAULT_PORTS.get(url.scheme());
    String authority = url.uri().getRawAuthority();
    List<String[]> endpoints = new ArrayList<>();
    if (authority == null) {
      return endpoints;
    }
    authority = authority.substring(authority.lastIndexOf('@') + 1);
    for (String hostPort : authority.split(",")) {
      int colon = hostPort.lastIndexOf(':');
      boolean hasPort = colon > hostPort.lastIndexOf(']');
      String host = hasPort ? hostPort.substring(0, colon) : hostPort;
      if (host.isEmpty() || (!hasPort && defaultPort == null)) {
        continue;
      }
      String port = hasPort ? hostPort.substring(colon + 1) : defaultPort.toString();
      if (!port.matches("\\d{1,5}")) {
        continue;
      }
      endpoints.add(new String[] {host.replace("[", "").replace("]", ""), port});
    }
    return endpoints;
  }

  private static String reach(String scheme, String host, int port, Duration limit) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(host, port), (int) Math.min(limit.toMillis(), 5000));
      return null;
    } catch (UnknownHostException e) {
      return "cannot resolve host '" + host + "': check the host name in the URL";
    } catch (ConnectException e) {
      return "connection refused at " + host + ":" + port + " — " + startHint(scheme, port);
    } catch (SocketTimeoutException | NoRouteToHostException e) {
      return "no answer from "
          + host
          + ":"
          + port
          + " — is the host up, the port right, or a firewall dropping the connection?";
    } catch (IOException | IllegalArgumentException e) {
      return host + ":" + port + ": " + message(e);
    }
  }

  static String startHint(String scheme, int port) {
    String portArg = port == DEFAULT_PORTS.getOrDefault(scheme, -1) ? "" : " --port " + port;
    return switch (scheme) {
      case "redis", "rediss" ->
          "is redis-server running? start it with `redis-server"
              + portArg
              + " --daemonize yes` (Debian: apt-get install redis-server)";
      case "amqp", "amqps" ->
          "is rabbitmq-server running? start it with `rabbitmq-server"
              + " -detached` (Debian: apt-get install rabbitmq-server)";
      case "kafka" ->
          "is a Kafka broker listening there? start one (bin/kafka-server-start.sh"
              + " config/server.properties) or fix host:port in the URL";
      default -> "is the server running?";
    };
  }

  private static String advice(SinkUrl url, String problem) {
    // Sinks often name the fix themselves; say it once.
    if (AUTH_FAILURE.matcher(problem).matches() && !problem.contains("in the URL")) {
      return url.user() == null
          ? " — the server wants credentials: put them in the URL (scheme://user:password@host)"
          : " — check the user name and password in the URL";
    }
    return "";
  }

  private static String message(Throwable error) {
    Throwable cause = error;
    String message = null;
    while (cause != null) {
      if (cause.getMessage() != null) {
        message = cause.getMessage();
        break;
      }
      cause = cause.getCause();
    }
    String text = message == null ? error.getClass().getSimpleName() : message;
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  private void ok(String text) {
    out.println(style.green("✓ ") + text);
  }

  private void info(String text) {
    out.println(style.dim("• " + text));
  }

  private void fail(String text) {
    out.println(style.red("✗ ") + text);
  }
}
