package io.assay.task;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The registry of task kinds found on the class path. Gateway, miner and checking server look
 * kinds up here by name or by path and never name a kind in their own code.
 */
public final class TaskKinds {

  private final Map<String, TaskKind> byName;
  private final Map<String, TaskKind> byPath;

  private TaskKinds(Iterable<TaskKind> kinds) {
    Map<String, TaskKind> names = new LinkedHashMap<>();
    Map<String, TaskKind> paths = new LinkedHashMap<>();
    for (TaskKind kind : kinds) {
      TaskKind previous = names.putIfAbsent(kind.name(), kind);
      if (previous != null) {
        throw new IllegalStateException("two task kinds are named " + kind.name() + ": "
            + previous.getClass().getName() + " and " + kind.getClass().getName());
      }
      for (String path : kind.paths()) {
        TaskKind owner = paths.putIfAbsent(path, kind);
        if (owner != null) {
          throw new IllegalStateException(
              "path " + path + " is claimed by " + owner.name() + " and " + kind.name());
        }
      }
    }
    this.byName = Collections.unmodifiableMap(names);
    this.byPath = Collections.unmodifiableMap(paths);
  }

  /** Every kind registered through {@link ServiceLoader} on this class loader. */
  public static TaskKinds discover() {
    return new TaskKinds(ServiceLoader.load(TaskKind.class, TaskKinds.class.getClassLoader()));
  }

  /** A registry of exactly these kinds, for tests. */
  public static TaskKinds of(TaskKind... kinds) {
    return new TaskKinds(java.util.List.of(kinds));
  }

  public Optional<TaskKind> byName(String name) {
    return Optional.ofNullable(byName.get(name));
  }

  public Optional<TaskKind> byPath(String path) {
    return Optional.ofNullable(byPath.get(path));
  }

  public Collection<TaskKind> all() {
    return byName.values();
  }
}
