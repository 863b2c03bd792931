package dev.streamll.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.output.FinishReason;
import org.junit.jupiter.api.Test;

class GenAiTest {

  @Test
  void providersMapToOpenTelemetryValuesAndEveryProviderHasOne() {
    assertThat(GenAi.providerName(ModelProvider.OPEN_AI)).isEqualTo("openai");
    assertThat(GenAi.providerName(ModelProvider.AMAZON_BEDROCK)).isEqualTo("aws.bedrock");
    assertThat(GenAi.providerName(ModelProvider.GOOGLE_VERTEX_AI_GEMINI))
        .isEqualTo("gcp.vertex_ai");
    assertThat(GenAi.providerName(ModelProvider.OLLAMA)).isEqualTo("ollama");
    assertThat(GenAi.providerName(ModelProvider.OTHER)).isEqualTo("_OTHER");
    assertThat(GenAi.providerName(null)).isEqualTo("_OTHER");
    for (ModelProvider provider : ModelProvider.values()) {
      assertThat(GenAi.providerName(provider)).matches("[a-z_][a-z0-9_.]*|_OTHER");
    }
  }

  @Test
  void finishReasonsMapToOpenTelemetryValues() {
    assertThat(GenAi.finishReason(FinishReason.STOP)).isEqualTo("stop");
    assertThat(GenAi.finishReason(FinishReason.TOOL_EXECUTION)).isEqualTo("tool_calls");
    assertThat(GenAi.finishReason(FinishReason.CONTENT_FILTER)).isEqualTo("content_filter");
    assertThat(GenAi.finishReason(FinishReason.OTHER)).isEqualTo("other");
  }
}
