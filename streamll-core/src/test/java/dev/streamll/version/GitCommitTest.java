package dev.streamll.version;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitCommitTest {
  private static final String SHA = "0123456789abcdef0123456789abcdef01234567";
  private static final String MODULE = "package demo; public class Module { }";

  @TempDir Path tmp;

  private static GitCommit git(Map<String, String> env, Path workingDirectory) {
    return new GitCommit(env::get, workingDirectory, Duration.ofSeconds(10));
  }

  private String commitOf(GitCommit git, Path classes) throws Exception {
    try (URLClassLoader loader = Javac.loader(classes)) {
      return git.of(loader.loadClass("demo.Module"));
    }
  }

  @Test
  void theStreamllVariableWinsOverEverythingElse() throws Exception {
    Path classes = Javac.compile(tmp.resolve("classes"), "demo.Module", MODULE);
    Files.writeString(classes.resolve("git.properties"), "git.commit.id=" + SHA + "\n");
    GitCommit git = git(Map.of("STREAMLL_GIT_COMMIT", "deploy-42", "GITHUB_SHA", "ci"), tmp);
    assertThat(commitOf(git, classes)).isEqualTo("deploy-42");
  }

  @Test
  void gitPropertiesNextToTheClassWinOverCiVariables() throws Exception {
    Path classes = Javac.compile(tmp.resolve("classes"), "demo.Module", MODULE);
    Files.writeString(
        classes.resolve("git.properties"),
        "git.commit.id=" + SHA + "\ngit.commit.id.abbrev=0123456\ngit.dirty=true\n");
    assertThat(commitOf(git(Map.of("GITHUB_SHA", "ci"), tmp), classes)).isEqualTo(SHA + "-dirty");

    Files.writeString(classes.resolve("git.properties"), "git.commit.id.abbrev=0123456\n");
    assertThat(commitOf(git(Map.of(), tmp), classes)).isEqualTo("0123456");
  }

  @Test
  void ciVariablesAreUsedWithoutGitProperties() throws Exception {
    Path classes = Javac.compile(tmp.resolve("classes"), "demo.Module", MODULE);
    assertThat(commitOf(git(Map.of("CI_COMMIT_SHA", "gitlab-sha"), tmp), classes))
        .isEqualTo("gitlab-sha");
    assertThat(commitOf(git(Map.of("GIT_COMMIT", " jenkins-sha "), tmp), classes))
        .isEqualTo("jenkins-sha");
  }

  @Test
  void theWorkingCopyHoldingTheClassesGivesHeadAndDirtiness() throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    runGit(repo, "init", "-q");
    Files.writeString(repo.resolve(".gitignore"), "target/\n");
    Files.writeString(repo.resolve("Module.java"), MODULE);
    runGit(repo, "add", ".");
    runGit(repo, "commit", "-q", "-m", "first");
    String head = runGit(repo, "rev-parse", "HEAD").trim();
    Path classes = Javac.compile(repo.resolve("target/classes"), "demo.Module", MODULE);
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));

    assertThat(commitOf(git(Map.of(), elsewhere), classes)).isEqualTo(head);

    Files.writeString(repo.resolve("Module.java"), MODULE + "\n// a local change\n");
    assertThat(commitOf(git(Map.of(), elsewhere), classes)).isEqualTo(head + "-dirty");
  }

  @Test
  void withoutAnyHintThereIsNoCommit() throws Exception {
    Path classes = Javac.compile(tmp.resolve("classes"), "demo.Module", MODULE);
    Path notARepo = Files.createDirectories(tmp.resolve("plain"));
    assertThat(commitOf(git(Map.of(), notARepo), classes)).isNull();
  }

  /** Runs git with a fixed identity, independent of the user's configuration. */
  private static String runGit(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(
                "git",
                "-C",
                dir.toString(),
                "-c",
                "user.name=Test",
                "-c",
                "user.email=test@example.com",
                "-c",
                "commit.gpgsign=false"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("git %s: %s", args, output).isZero();
    return output;
  }
}
