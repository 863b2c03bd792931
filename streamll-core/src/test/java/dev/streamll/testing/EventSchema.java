package dev.streamll.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Validates JSON against {@code docs/schema/streamll-event-1.0.json}, found by walking up from the
 * working directory, so every module's tests check their output against the one schema file.
 */
public final class EventSchema {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static volatile JsonSchema schema;

  private EventSchema() {}

  /** The schema file in the repository. */
  public static Path file() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path candidate = dir.resolve("docs/schema/streamll-event-1.0.json");
      if (Files.exists(candidate)) {
        return candidate;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("docs/schema/streamll-event-1.0.json not found above cwd");
  }

  private static JsonSchema schema() {
    JsonSchema loaded = schema;
    if (loaded == null) {
      try {
        JsonNode node = MAPPER.readTree(Files.readString(file()));
        loaded = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(node);
        schema = loaded;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return loaded;
  }

  /** The validation problems of {@code json}; empty when it is a valid event. */
  public static Set<ValidationMessage> problems(String json) {
    try {
      return schema().validate(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Set<ValidationMessage> problems(byte[] json) {
    return problems(new String(json, StandardCharsets.UTF_8));
  }

  /** Asserts that {@code json} is a valid wire-schema 1.0 event. */
  public static void assertValid(String json) {
    assertThat(problems(json)).as("schema problems of %s", json).isEmpty();
  }

  public static void assertValid(byte[] json) {
    assertValid(new String(json, StandardCharsets.UTF_8));
  }
}
