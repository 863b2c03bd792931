package dev.streamll.langchain4j;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.output.FinishReason;

/**
 * The OpenTelemetry GenAI semantic-convention names used as keys in event {@code data}, and the
 * mapping of LangChain4j's provider and finish-reason enums to their values.
 */
public final class GenAi {
  public static final String OPERATION_NAME = "gen_ai.operation.name";
  public static final String PROVIDER_NAME = "gen_ai.provider.name";
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  public static final String REQUEST_TEMPERATURE = "gen_ai.request.temperature";
  public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
  public static final String REQUEST_TOP_P = "gen_ai.request.top_p";
  public static final String REQUEST_TOP_K = "gen_ai.request.top_k";
  public static final String REQUEST_FREQUENCY_PENALTY = "gen_ai.request.frequency_penalty";
  public static final String REQUEST_PRESENCE_PENALTY = "gen_ai.request.presence_penalty";
  public static final String REQUEST_STOP_SEQUENCES = "gen_ai.request.stop_sequences";
  public static final String RESPONSE_ID = "gen_ai.response.id";
  public static final String RESPONSE_MODEL = "gen_ai.response.model";
  public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
  public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  public static final String INPUT_MESSAGES = "gen_ai.input.messages";
  public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
  public static final String TOOL_NAME = "gen_ai.tool.name";
  public static final String TOOL_CALL_ID = "gen_ai.tool.call.id";
  public static final String TOOL_CALL_ARGUMENTS = "gen_ai.tool.call.arguments";
  public static final String TOOL_CALL_RESULT = "gen_ai.tool.call.result";

  /** {@value} on {@code llm_call} events. */
  public static final String OPERATION_CHAT = "chat";

  /** {@value} on {@code tool_call} events. */
  public static final String OPERATION_EXECUTE_TOOL = "execute_tool";

  private GenAi() {}

  /** The {@code gen_ai.provider.name} value for a LangChain4j provider. */
  public static String providerName(ModelProvider provider) {
    if (provider == null) {
      return "_OTHER";
    }
    switch (provider) {
      case OPEN_AI:
        return "openai";
      case AZURE_OPEN_AI:
        return "azure.ai.openai";
      case ANTHROPIC:
        return "anthropic";
      case AMAZON_BEDROCK:
        return "aws.bedrock";
      case GOOGLE_AI_GEMINI:
      case GOOGLE_GENAI:
        return "gcp.gemini";
      case GOOGLE_VERTEX_AI_GEMINI:
      case GOOGLE_VERTEX_AI_ANTHROPIC:
        return "gcp.vertex_ai";
      case MICROSOFT_FOUNDRY:
        return "azure.ai.inference";
      case MISTRAL_AI:
        return "mistral_ai";
      case COHERE:
        return "cohere";
      case WATSONX:
        return "ibm.watsonx.ai";
      case OTHER:
        return "_OTHER";
      default:
        return provider.name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The {@code gen_ai.response.finish_reasons} element for a LangChain4j finish reason. */
  public static String finishReason(FinishReason reason) {
    switch (reason) {
      case STOP:
        return "stop";
      case LENGTH:
        return "length";
      case TOOL_EXECUTION:
        return "tool_calls";
      case CONTENT_FILTER:
        return "content_filter";
      default:
        return reason.name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
