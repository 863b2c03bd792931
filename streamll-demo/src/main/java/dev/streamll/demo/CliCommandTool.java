package dev.streamll.demo;

import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.util.Locale;
import java.util.Map;

/** The demo's tool: finds the streamll command for a task, and fails for tasks it does not know. */
public final class CliCommandTool {
  private static final Map<String, String> COMMANDS =
      Map.of(
          "latency", "./streamll stats",
          "stats", "./streamll stats",
          "live", "./streamll tail",
          "follow", "./streamll tail",
          "tail", "./streamll tail",
          "backfill", "./streamll replay --to kafka://localhost:9092/events",
          "replay", "./streamll replay --to kafka://localhost:9092/events",
          "reachable", "./streamll doctor",
          "doctor", "./streamll doctor");

  @Tool("Returns the streamll command line for a task such as watching events live or latency")
  public String cliCommand(@P(name = "task", value = "the task, in a few words") String task) {
    String lower = task.toLowerCase(Locale.ROOT);
    for (String word : lower.split("[^a-z]+")) {
      String command = COMMANDS.get(word);
      if (command != null) {
        return command;
      }
    }
    throw new IllegalArgumentException(
        "no streamll command for '" + task + "'; known tasks: tail, stats, replay, doctor");
  }
}
