package dev.streamll.rabbitmq;

import java.util.Locale;

/** The kind of queue the sink declares for option {@code queue}. */
enum QueueType {
  /** A single-node queue; a confirm means the message is written (and fsynced) on that node. */
  CLASSIC,
  /** A Raft-replicated queue; a confirm means a majority of its replicas fsynced the message. */
  QUORUM;

  static QueueType parse(String value) {
    for (QueueType type : values()) {
      if (type.name().equalsIgnoreCase(value)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "option 'queue_type' must be classic or quorum, was '" + value + "'");
  }

  String argument() {
    return name().toLowerCase(Locale.ROOT);
  }
}
