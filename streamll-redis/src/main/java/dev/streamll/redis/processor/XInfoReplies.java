package dev.streamll.redis.processor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the flat key/value arrays that {@code XINFO} replies with. */
final class XInfoReplies {

  private XInfoReplies() {}

  static Map<String, Object> asMap(Object reply) {
    Map<String, Object> map = new HashMap<>();
    if (reply instanceof List<?> list) {
      for (int i = 0; i + 1 < list.size(); i += 2) {
        map.put(String.valueOf(list.get(i)), list.get(i + 1));
      }
    }
    return map;
  }

  static long number(Map<String, Object> map, String key, long absent) {
    Object value = map.get(key);
    if (value instanceof Number n) {
      return n.longValue();
    }
    if (value instanceof String s && !s.isEmpty()) {
      return Long.parseLong(s);
    }
    return absent;
  }

  static String text(Map<String, Object> map, String key) {
    Object value = map.get(key);
    return value == null ? null : String.valueOf(value);
  }

  /** The id of an entry reply {@code [id, [field, value, …]]}, null for an absent entry. */
  static String entryId(Object entry) {
    if (entry instanceof List<?> list && !list.isEmpty()) {
      return String.valueOf(list.get(0));
    }
    return null;
  }

  static List<GroupInfo> groups(List<Object> reply) {
    List<GroupInfo> groups = new ArrayList<>(reply.size());
    for (Object item : reply) {
      Map<String, Object> g = asMap(item);
      groups.add(
          new GroupInfo(
              text(g, "name"),
              number(g, "consumers", 0),
              number(g, "pending", 0),
              number(g, "lag", -1),
              text(g, "last-delivered-id")));
    }
    return groups;
  }
}
