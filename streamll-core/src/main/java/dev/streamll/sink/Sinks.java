package dev.streamll.sink;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Resolves sink URLs to sinks through the {@link SinkProvider}s on the classpath. */
public final class Sinks {
  // Schemes whose provider lives in a module the user may not have added yet.
  private static final Map<String, String> MODULE_BY_SCHEME =
      Map.of(
          "redis", "streamll-redis",
          "rediss", "streamll-redis",
          "amqp", "streamll-rabbitmq",
          "amqps", "streamll-rabbitmq",
          "kafka", "streamll-kafka");

  private Sinks() {}

  /**
   * Creates the sink for {@code url}.
   *
   * @throws IllegalArgumentException for a malformed URL, an unknown scheme, or a scheme whose
   *     module is not on the classpath (naming the module to add)
   */
  public static Sink create(String url) {
    SinkUrl parsed = SinkUrl.parse(url);
    return provider(parsed, Sinks.class.getClassLoader()).create(parsed);
  }

  static SinkProvider provider(SinkUrl url, ClassLoader loader) {
    TreeSet<String> known = new TreeSet<>();
    for (SinkProvider provider : ServiceLoader.load(SinkProvider.class, loader)) {
      if (provider.schemes().contains(url.scheme())) {
        return provider;
      }
      known.addAll(provider.schemes());
    }
    String module = MODULE_BY_SCHEME.get(url.scheme());
    if (module != null) {
      throw new IllegalArgumentException(
          "sink URL '"
              + url.redacted()
              + "' needs the "
              + module
              + " module: add the dependency dev.streamll:"
              + module
              + " to your build");
    }
    throw new IllegalArgumentException(
        "sink URL '"
            + url.redacted()
            + "' has unknown scheme '"
            + url.scheme()
            + "'; supported here: "
            + String.join(", ", known)
            + " (redis, amqp and kafka come with their modules)");
  }
}
