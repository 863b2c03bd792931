package dev.streamll.kafka.examples;

import dev.streamll.event.StreamllEvent;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Token cost per customer from {@code llm_call} events (docs/sinks/kafka.md, "Token cost
 * tracking"): the model comes from the {@code start} event's {@code gen_ai.request.model}, usage
 * from the {@code end} event's {@code gen_ai.usage.*_tokens}, the customer from the {@code
 * customer_id} tag.
 */
public final class TokenCosts {
  /** Price in USD per million tokens. */
  public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {}

  private final Map<String, Price> prices;
  private final Map<String, String> modelBySpan = new HashMap<>();
  private final Map<String, BigDecimal> costByCustomer = new TreeMap<>();

  public TokenCosts(Map<String, Price> prices) {
    this.prices = Map.copyOf(prices);
  }

  public void accept(StreamllEvent event) {
    if (!event.operation().equals("llm_call")) {
      return;
    }
    Object model = event.data().get("gen_ai.request.model");
    if (model != null) {
      modelBySpan.put(event.spanId(), model.toString());
    }
    if (!event.eventType().equals("end")) {
      return;
    }
    Price price = prices.get(modelBySpan.remove(event.spanId()));
    if (price == null) {
      return;
    }
    BigDecimal cost =
        tokens(event, "gen_ai.usage.input_tokens")
            .multiply(price.inputPerMillion())
            .add(tokens(event, "gen_ai.usage.output_tokens").multiply(price.outputPerMillion()))
            .divide(BigDecimal.valueOf(1_000_000), 8, RoundingMode.HALF_UP);
    costByCustomer.merge(
        event.tags().getOrDefault("customer_id", "unknown"), cost, BigDecimal::add);
  }

  private static BigDecimal tokens(StreamllEvent event, String key) {
    Object value = event.data().get(key);
    return value instanceof Number number
        ? BigDecimal.valueOf(number.longValue())
        : BigDecimal.ZERO;
  }

  /** USD per customer so far. */
  public Map<String, BigDecimal> costByCustomer() {
    return Map.copyOf(costByCustomer);
  }
}
