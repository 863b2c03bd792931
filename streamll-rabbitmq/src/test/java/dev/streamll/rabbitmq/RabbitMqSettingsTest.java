package dev.streamll.rabbitmq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.streamll.event.StreamllEvent;
import dev.streamll.sink.Sink;
import dev.streamll.sink.SinkUrl;
import dev.streamll.sink.Sinks;
import dev.streamll.source.EventSourceProvider;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class RabbitMqSettingsTest {

  private static RabbitMqSettings sink(String url) {
    return RabbitMqSettings.parse(SinkUrl.parse(url), RabbitMqSettings.SINK_OPTIONS);
  }

  @Test
  void defaults() {
    RabbitMqSettings s = sink("amqp://localhost");
    assertThat(s.port()).isEqualTo(5672);
    assertThat(s.vhost()).isEqualTo("/");
    assertThat(s.user()).isEqualTo("guest");
    assertThat(s.exchange()).isEqualTo("streamll_events");
    assertThat(s.declare()).isTrue();
    assertThat(s.routingKey()).hasToString("{module_name}.{event_type}");
    assertThat(s.queue()).isNull();
    assertThat(s.binding()).isEqualTo("#");
    assertThat(s.tls()).isFalse();
  }

  @Test
  void tlsVhostAndOptions() {
    RabbitMqSettings s =
        sink(
            "amqps://app:s3cret@b-1.mq.eu-west-1.amazonaws.com/prod"
                + "?exchange=audit&declare=false&queue=audit_q&queue_type=QUORUM&binding=loan.%23");
    assertThat(s.tls()).isTrue();
    assertThat(s.port()).isEqualTo(5671);
    assertThat(s.vhost()).isEqualTo("prod");
    assertThat(s.user()).isEqualTo("app");
    assertThat(s.password()).isEqualTo("s3cret");
    assertThat(s.exchange()).isEqualTo("audit");
    assertThat(s.declare()).isFalse();
    assertThat(s.queueType()).isEqualTo(QueueType.QUORUM);
    assertThat(s.binding()).isEqualTo("loan.#");
    assertThat(s.name()).doesNotContain("s3cret").startsWith("amqps://b-1.mq");
    assertThat(s.toString()).doesNotContain("s3cret");
    assertThat(sink("amqp://h/%2F").vhost()).isEqualTo("/");
    assertThat(sink("amqp://h/%2Fprod").vhost()).isEqualTo("/prod");
  }

  @Test
  void badOptionsNameTheOption() {
    assertThatThrownBy(() -> sink("amqp://h/?exchnge=x"))
        .hasMessageContaining("unknown option 'exchnge'")
        .hasMessageContaining("exchange");
    assertThatThrownBy(() -> sink("amqp://h/?queue=q&queue_type=stream"))
        .hasMessageContaining("queue_type")
        .hasMessageContaining("classic or quorum");
    assertThatThrownBy(() -> sink("amqp://h/?routing_key=%7Bmodule%7D"))
        .hasMessageContaining("routing_key")
        .hasMessageContaining("{module}");
    assertThatThrownBy(() -> sink("amqp://h/?binding=#")).hasMessageContaining("%23");
    assertThatThrownBy(() -> sink("amqp://h/?heartbeat=-1")).hasMessageContaining("heartbeat");
    assertThatThrownBy(() -> sink("amqp://:secret@/?x=1")).hasMessageNotContaining("secret");
  }

  @Test
  void routingKeysKeepOneWordPerValue() {
    RoutingKeyTemplate template = RoutingKeyTemplate.parse("{module_name}.{event_type}");
    StreamllEvent event =
        StreamllEvent.builder().moduleName("billing.v2.agent").eventType("error").build();
    assertThat(template.render(event)).isEqualTo("billing_v2_agent.error");

    RoutingKeyTemplate all =
        RoutingKeyTemplate.parse(
            "x.{operation}.{method_name}.{execution_id}.{module_name}.{event_type}");
    StreamllEvent full =
        StreamllEvent.builder()
            .executionId("run.1")
            .operation("tool.call")
            .methodName("m")
            .moduleName("M")
            .eventType("end")
            .build();
    assertThat(all.render(full)).isEqualTo("x.tool_call.m.run_1.M.end");
  }

  @Test
  void routingKeysAreCutToTheAmqpLimit() {
    RoutingKeyTemplate template = RoutingKeyTemplate.parse("{module_name}.{operation}");
    String longName = "é".repeat(200);
    String key =
        template.render(
            StreamllEvent.builder().moduleName(longName).operation("o".repeat(200)).build());
    assertThat(key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
        .isLessThanOrEqualTo(255);
    assertThat(key).startsWith("é");
  }

  @Test
  void providersAreFoundByScheme() {
    Sink sink = Sinks.create("amqp://guest:guest@localhost:5672/?exchange=e1");
    assertThat(sink).isInstanceOf(RabbitMqSink.class);
    assertThat(sink.name()).isEqualTo("amqp://localhost:5672/%2F?exchange=e1");
    assertThat(Sinks.create("amqps://h/v")).isInstanceOf(RabbitMqSink.class);
    assertThat(ServiceLoader.load(EventSourceProvider.class).stream())
        .anyMatch(p -> p.type() == RabbitMqEventSourceProvider.class);
  }
}
