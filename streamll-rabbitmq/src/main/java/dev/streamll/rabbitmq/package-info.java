/**
 * RabbitMQ (AMQP 0-9-1) sink and event source on the official {@code amqp-client}: events are
 * published persistent and {@code mandatory} to a topic exchange and a batch counts as delivered
 * only once the broker confirmed every message in it. Select it with {@code amqp://} or {@code
 * amqps://} URLs.
 */
package dev.streamll.rabbitmq;
