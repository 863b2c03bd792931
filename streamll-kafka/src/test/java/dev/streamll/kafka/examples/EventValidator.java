package dev.streamll.kafka.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Consumer-side validation (docs/sinks/kafka.md, "Schema evolution"): check the {@code
 * schema_version} header first, then the value against the JSON Schema of that version, so a
 * consumer rejects — or routes to a dead-letter topic — records it does not understand.
 */
public final class EventValidator {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String version;
  private final JsonSchema schema;

  /**
   * Validates events of {@code version} against {@code schemaFile}, e.g. {@code "1.0"} and
   * docs/schema/streamll-event-1.0.json from the repository.
   */
  public EventValidator(String version, Path schemaFile) {
    this.version = version;
    try {
      schema =
          JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
              .getSchema(JSON.readTree(Files.readString(schemaFile)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Problems with {@code value}; empty when it is a valid event of this validator's version. */
  public Set<String> problems(String schemaVersionHeader, byte[] value) {
    if (!version.equals(schemaVersionHeader)) {
      return Set.of(
          "schema_version "
              + schemaVersionHeader
              + " is not "
              + version
              + ", the one this consumer reads");
    }
    try {
      JsonNode node = JSON.readTree(value);
      return schema.validate(node).stream()
          .map(ValidationMessage::getMessage)
          .collect(Collectors.toUnmodifiableSet());
    } catch (IOException e) {
      return Set.of("not JSON: " + e.getMessage());
    }
  }
}
