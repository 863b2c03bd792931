package dev.streamll.bench.redis;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The server's ceiling: {@code redis-benchmark} pipelining the same XADD from many connections, run
 * as a subprocess with {@code --csv}; the requests-per-second column is parsed from its output.
 */
final class RedisBenchmarkTool {
  private RedisBenchmarkTool() {}

  static double xadd(
      String host, int port, String key, String json, int requests, int clients, int pipeline)
      throws IOException, InterruptedException {
    List<String> command =
        List.of(
            "redis-benchmark",
            "-h",
            host,
            "-p",
            Integer.toString(port),
            "-n",
            Integer.toString(requests),
            "-c",
            Integer.toString(clients),
            "-P",
            Integer.toString(pipeline),
            "--csv",
            "XADD",
            key,
            "*",
            "event",
            json,
            "event_type",
            BenchEvents.TYPE,
            "module_name",
            BenchEvents.MODULE);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(5, TimeUnit.MINUTES) || process.exitValue() != 0) {
      throw new IOException("redis-benchmark failed: " + output);
    }
    return parseRps(output);
  }

  /**
   * The rps of the last CSV line: {@code "<command>","rps","avg",…} with seven numeric columns; the
   * command itself contains quotes (the JSON), so columns are counted from the end.
   */
  static double parseRps(String csv) throws IOException {
    String[] lines = csv.strip().split("\\R");
    String last = lines[lines.length - 1];
    String[] columns = last.split("\",\"");
    if (columns.length < 8) {
      throw new IOException("unexpected redis-benchmark output: " + csv);
    }
    return Double.parseDouble(columns[columns.length - 7]);
  }
}
