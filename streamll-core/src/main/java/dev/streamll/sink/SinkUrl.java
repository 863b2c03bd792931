package dev.streamll.sink;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A sink or source address such as {@code redis://user:secret@host:6379/0?stream=events}, parsed
 * once. {@link #toString()} and {@link #redacted()} never show the password.
 */
public final class SinkUrl {
  private static final Pattern USER_PASSWORD = Pattern.compile("(//[^/@:?#]*:)[^@/?#]*@");
  private static final Pattern SECRET_OPTION =
      Pattern.compile(
          "([?&](?:[^=&#]*[._-])?(?:password|secret|token|credentials?|jaas|api[._-]?key)(?:[._-][^=&#]*)?=)"
              + "[^&#]*",
          Pattern.CASE_INSENSITIVE);

  private final String raw;
  private final URI uri;
  private final String scheme;
  private final Map<String, String> options;

  private SinkUrl(String raw, URI uri) {
    this.raw = raw;
    this.uri = uri;
    this.scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    this.options = Collections.unmodifiableMap(parseQuery(rawQuery(uri)));
  }

  /**
   * Parses {@code url}.
   *
   * @throws IllegalArgumentException naming the URL (redacted) and what is wrong with it
   */
  public static SinkUrl parse(String url) {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException(
          "sink URL is empty; use e.g. terminal:, redis://localhost:6379 or kafka://host:9092/topic");
    }
    String trimmed = url.trim();
    try {
      // "terminal:" alone is a valid address here but not a valid java.net.URI.
      // Templates such as ?stream=llm:{module_name} are common in options; java.net.URI
      // rejects raw braces, so they are percent-encoded here and decoded with the options.
      String escaped = trimmed.replace("{", "%7B").replace("}", "%7D");
      URI uri = new URI(escaped.endsWith(":") ? escaped + "/" : escaped);
      if (uri.getScheme() == null) {
        throw new IllegalArgumentException(
            "sink URL '"
                + redact(trimmed)
                + "' has no scheme; start it with terminal:, journal:, redis://, rediss://,"
                + " amqp://, amqps:// or kafka://");
      }
      return new SinkUrl(trimmed, uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "sink URL '"
              + redact(trimmed)
              + "' is malformed: "
              + e.getReason()
              + " at index "
              + e.getIndex()
              + "; percent-encode special characters in values ({ → %7B, } → %7D, # → %23,"
              + " space → %20)",
          e);
    }
  }

  // Opaque URIs such as terminal:?tokens=false have no parsed query; take it from the scheme part.
  private static String rawQuery(URI uri) {
    if (!uri.isOpaque()) {
      return uri.getRawQuery();
    }
    String ssp = uri.getRawSchemeSpecificPart();
    int q = ssp.indexOf('?');
    return q < 0 ? null : ssp.substring(q + 1);
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> result = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return result;
    }
    for (String pair : query.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      result.put(decode(key), decode(value));
    }
    return result;
  }

  private static String decode(String text) {
    return URLDecoder.decode(text, StandardCharsets.UTF_8);
  }

  /**
   * The URL as given, with {@code ***} for the password of the user part and for the value of every
   * option with a name part (between {@code .}, {@code _} or {@code -}) that says it holds a
   * secret: {@code password}, {@code secret}, {@code token}, {@code credential(s)}, {@code apikey}
   * or {@code jaas} (a JAAS configuration carries its password inline), in any case — {@code
   * kafka.ssl.truststore.password}, {@code kafka.sasl.jaas.config}, {@code truststore_password},
   * but not {@code tokens}. URLs end up in error messages, logs and health reports.
   */
  public static String redact(String url) {
    return SECRET_OPTION
        .matcher(USER_PASSWORD.matcher(url).replaceAll("$1***@"))
        .replaceAll("$1***");
  }

  public String scheme() {
    return scheme;
  }

  public URI uri() {
    return uri;
  }

  /** The host, or null (e.g. for {@code terminal:}). */
  public String host() {
    return uri.getHost();
  }

  /** The port, or {@code defaultPort} when none was given. */
  public int port(int defaultPort) {
    return uri.getPort() < 0 ? defaultPort : uri.getPort();
  }

  /** The decoded user name from the user-info part, or null. */
  public String user() {
    String info = uri.getUserInfo();
    if (info == null) {
      return null;
    }
    int colon = info.indexOf(':');
    return colon < 0 ? info : info.substring(0, colon);
  }

  /** The decoded password from the user-info part, or null. Never log it. */
  public String password() {
    String info = uri.getUserInfo();
    if (info == null || info.indexOf(':') < 0) {
      return null;
    }
    return info.substring(info.indexOf(':') + 1);
  }

  /** The path without its leading slash, or an empty string. */
  public String path() {
    String path = uri.getPath();
    if (path == null) {
      // Opaque URIs such as journal:relative/dir keep the path in the scheme-specific part.
      String ssp = uri.getSchemeSpecificPart();
      int q = ssp.indexOf('?');
      return q < 0 ? ssp : ssp.substring(0, q);
    }
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /** Query options, e.g. {@code stream=events} → {@code {stream: events}}. */
  public Map<String, String> options() {
    return options;
  }

  public String option(String key, String defaultValue) {
    return options.getOrDefault(key, defaultValue);
  }

  /**
   * An integer option.
   *
   * @throws IllegalArgumentException naming the option when it is not an integer
   */
  public long longOption(String key, long defaultValue) {
    String value = options.get(key);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option '" + key + "' in " + redacted() + " must be an integer, was '" + value + "'");
    }
  }

  public boolean booleanOption(String key, boolean defaultValue) {
    String value = options.get(key);
    if (value == null || value.isEmpty()) {
      return defaultValue;
    }
    if (value.equalsIgnoreCase("true") || value.equals("1") || value.equalsIgnoreCase("yes")) {
      return true;
    }
    if (value.equalsIgnoreCase("false") || value.equals("0") || value.equalsIgnoreCase("no")) {
      return false;
    }
    throw new IllegalArgumentException(
        "option '" + key + "' in " + redacted() + " must be true or false, was '" + value + "'");
  }

  /** The URL with the password hidden. */
  public String redacted() {
    return redact(raw);
  }

  /** The URL exactly as given, password included: only for building client connections. */
  public String raw() {
    return raw;
  }

  @Override
  public String toString() {
    return redacted();
  }
}
