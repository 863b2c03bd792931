package dev.streamll.bench.kafka;

import java.util.List;

/**
 * What both contenders of a {@link KafkaThroughput} round are given; passed to a {@link
 * ThroughputWorker} as arguments. With {@code drain}, StreamLL's side measures a journal backlog
 * forwarded to Kafka (a restart after an outage) instead of emit to acknowledged.
 */
record ThroughputRun(
    String compression,
    String linger,
    List<String> properties,
    int events,
    int warmup,
    int batch,
    int inFlight,
    String payloads,
    String journal,
    int partitions,
    int ring,
    boolean drain) {

  List<String> toArgs() {
    return List.of(
        compression,
        linger,
        String.join(" ", properties),
        String.valueOf(events),
        String.valueOf(warmup),
        String.valueOf(batch),
        String.valueOf(inFlight),
        payloads,
        journal,
        String.valueOf(partitions),
        String.valueOf(ring),
        String.valueOf(drain));
  }

  static ThroughputRun fromArgs(List<String> args) {
    return new ThroughputRun(
        args.get(0),
        args.get(1),
        args.get(2).isBlank() ? List.of() : List.of(args.get(2).split(" ")),
        Integer.parseInt(args.get(3)),
        Integer.parseInt(args.get(4)),
        Integer.parseInt(args.get(5)),
        Integer.parseInt(args.get(6)),
        args.get(7),
        args.get(8),
        Integer.parseInt(args.get(9)),
        Integer.parseInt(args.get(10)),
        Boolean.parseBoolean(args.get(11)));
  }
}
