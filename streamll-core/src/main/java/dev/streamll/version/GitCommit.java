package dev.streamll.version;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link VersionStrategy#GIT} commit of the code a module class came from, the first of:
 *
 * <ol>
 *   <li>{@value #OVERRIDE_ENV}: set by whoever deploys, so it wins over everything guessed;
 *   <li>{@code git.properties} (git-commit-id Maven/Gradle plugin: {@code git.commit.id}, {@code
 *       git.commit.id.full} or {@code git.commit.id.abbrev}, and {@code git.dirty}) next to the
 *       class (same jar or directory), else the first one on its class loader's class path;
 *   <li>the CI variables in {@link #CI_VARIABLES} (GitHub Actions, GitLab, Jenkins, TeamCity, ...);
 *   <li>the git working copy holding the class's jar or directory, else the working directory's:
 *       {@code git rev-parse HEAD}, plus {@code -dirty} when {@code git status --porcelain} lists
 *       changes (untracked files included). Each run is bounded by a timeout and its result is
 *       cached per directory, so git runs at most twice per directory per process.
 * </ol>
 *
 * Null when none of them knows.
 */
final class GitCommit {
  static final String OVERRIDE_ENV = "STREAMLL_GIT_COMMIT";
  static final String DIRTY_SUFFIX = "-dirty";
  static final List<String> CI_VARIABLES =
      List.of(
          "GITHUB_SHA",
          "CI_COMMIT_SHA",
          "GIT_COMMIT",
          "BUILD_VCS_NUMBER",
          "BITBUCKET_COMMIT",
          "CIRCLE_SHA1",
          "BUILDKITE_COMMIT",
          "DRONE_COMMIT_SHA",
          "TRAVIS_COMMIT",
          "BUILD_SOURCEVERSION",
          "CODEBUILD_RESOLVED_SOURCE_VERSION",
          "SOURCE_VERSION");
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

  private static final Logger log = LoggerFactory.getLogger(GitCommit.class);

  private final String override;
  private final String ciCommit;
  private final Duration timeout;
  private final Path workingDirectory;
  private final ConcurrentHashMap<Path, Optional<String>> workingCopies = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Optional<String>> propertiesFiles =
      new ConcurrentHashMap<>();

  GitCommit(Function<String, String> env, Path workingDirectory, Duration timeout) {
    this.override = blankToNull(env.apply(OVERRIDE_ENV));
    String ci = null;
    for (String name : CI_VARIABLES) {
      ci = blankToNull(env.apply(name));
      if (ci != null) {
        break;
      }
    }
    this.ciCommit = ci;
    this.workingDirectory = workingDirectory;
    this.timeout = timeout;
  }

  static GitCommit fromEnvironment() {
    return new GitCommit(System::getenv, Paths.get("").toAbsolutePath(), DEFAULT_TIMEOUT);
  }

  String of(Class<?> moduleClass) throws IOException {
    if (override != null) {
      return override;
    }
    String root = ClassFiles.root(moduleClass);
    String commit = root == null ? null : propertiesFile(root + "git.properties");
    if (commit == null) {
      URL onClassPath = ClassFiles.loaderOf(moduleClass).getResource("git.properties");
      commit = onClassPath == null ? null : propertiesFile(onClassPath.toString());
    }
    if (commit == null) {
      commit = ciCommit;
    }
    if (commit == null) {
      Path codeDirectory = root == null ? null : directoryOf(root);
      commit = codeDirectory == null ? null : workingCopy(codeDirectory);
    }
    if (commit == null) {
      commit = workingCopy(workingDirectory);
    }
    return commit;
  }

  /** The commit in a git.properties file, read once per file: many classes share one. */
  private String propertiesFile(String url) throws IOException {
    Optional<String> known = propertiesFiles.get(url);
    if (known == null) {
      known = Optional.ofNullable(fromProperties(url));
      propertiesFiles.putIfAbsent(url, known);
    }
    return known.orElse(null);
  }

  private static String fromProperties(String url) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = new URI(url).toURL().openStream()) {
      properties.load(in);
    } catch (FileNotFoundException e) {
      return null;
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new IOException("cannot read " + url + ": " + e.getMessage(), e);
    }
    String commit = blankToNull(properties.getProperty("git.commit.id"));
    if (commit == null) {
      commit = blankToNull(properties.getProperty("git.commit.id.full"));
    }
    if (commit == null) {
      commit = blankToNull(properties.getProperty("git.commit.id.abbrev"));
    }
    if (commit == null) {
      return null;
    }
    boolean dirty = "true".equalsIgnoreCase(blankToNull(properties.getProperty("git.dirty")));
    return dirty ? commit + DIRTY_SUFFIX : commit;
  }

  /** The directory of a {@code file:} class root, or the directory holding a local jar. */
  private static Path directoryOf(String root) {
    String location = root;
    if (location.startsWith("jar:")) {
      int separator = location.indexOf("!/");
      location = location.substring("jar:".length(), separator < 0 ? location.length() : separator);
    }
    if (!location.startsWith("file:")) {
      return null;
    }
    try {
      Path path = Paths.get(new URI(location));
      return Files.isDirectory(path) ? path : path.getParent();
    } catch (URISyntaxException | IllegalArgumentException e) {
      log.debug("version tracking: {} is not a local path, no working copy to ask", root, e);
      return null;
    }
  }

  String workingCopy(Path directory) {
    return workingCopies
        .computeIfAbsent(directory, d -> Optional.ofNullable(askGit(d)))
        .orElse(null);
  }

  private String askGit(Path directory) {
    String head = run(directory, "rev-parse", "--verify", "HEAD");
    if (head == null || head.isBlank()) {
      return null;
    }
    String status = run(directory, "status", "--porcelain");
    if (status == null) {
      return head.trim();
    }
    return status.isBlank() ? head.trim() : head.trim() + DIRTY_SUFFIX;
  }

  /** Output of a git command, or null when git is missing, fails or takes too long. */
  private String run(Path directory, String... args) {
    Path output = null;
    Process process = null;
    try {
      output = Files.createTempFile("streamll-git", ".out");
      String[] command = new String[args.length + 3];
      command[0] = "git";
      command[1] = "-C";
      command[2] = directory.toString();
      System.arraycopy(args, 0, command, 3, args.length);
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .redirectOutput(output.toFile())
              .redirectError(ProcessBuilder.Redirect.DISCARD);
      // A status check must not take the index lock from a concurrent git command of the user.
      builder.environment().put("GIT_OPTIONAL_LOCKS", "0");
      builder.environment().put("GIT_TERMINAL_PROMPT", "0");
      process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn(
            "version tracking: 'git {}' in {} took over {} ms; no git commit from it",
            String.join(" ", args),
            directory,
            timeout.toMillis());
        return null;
      }
      if (process.exitValue() != 0) {
        return null;
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.debug("version tracking: cannot run git in {}", directory, e);
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    } finally {
      if (process != null && process.isAlive()) {
        process.destroyForcibly();
      }
      if (output != null) {
        try {
          Files.deleteIfExists(output);
        } catch (IOException e) {
          log.debug("version tracking: cannot delete {}", output, e);
        }
      }
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
