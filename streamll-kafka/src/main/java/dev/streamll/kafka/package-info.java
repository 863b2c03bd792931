/**
 * Kafka for StreamLL: {@link dev.streamll.kafka.KafkaSink} writes events to a topic (value = wire
 * JSON, key = {@code execution_id}, idempotent, {@code acks=all}) and {@link
 * dev.streamll.kafka.KafkaEventSource} reads them back for {@code streamll tail}. Both are reached
 * by URL, {@code kafka://host:9092/topic}, through the providers registered with {@link
 * java.util.ServiceLoader}.
 */
package dev.streamll.kafka;
