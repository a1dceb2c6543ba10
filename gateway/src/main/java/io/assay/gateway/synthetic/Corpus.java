package io.assay.gateway.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.config.ConfigException;
import io.assay.task.InvalidRequestException;
import io.assay.task.Json;
import io.assay.task.JsonLines;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.assay.task.TaskRequest;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The validator's private corpus of synthetic request content ({@code synthetic.corpus}): a JSON
 * lines file, one request per line, {@code {"task": "<kind>/<model>", "path": "<public path>",
 * "body": {...}}}, {@code body} being exactly what a user would send to that path ({@code path}
 * may be left out for kinds with one path). Every line is parsed and validated as a user's
 * request when the gateway starts; a bad line stops it with the file, line and reason. Kept in
 * memory; immutable once loaded.
 */
public final class Corpus {

  private final Map<String, List<TaskRequest>> byTask;

  private Corpus(Map<String, List<TaskRequest>> byTask) {
    this.byTask = byTask;
  }

  /** An empty corpus: content comes from replays and the built-in generators. */
  public static Corpus empty() {
    return new Corpus(Map.of());
  }

  /**
   * Reads {@code file}.
   *
   * @param tasks the configured tasks by id; lines for other tasks are refused
   * @throws ConfigException naming the file and line of the first bad line
   */
  public static Corpus load(Path file, TaskKinds kinds, Map<String, Task> tasks) {
    Map<String, List<TaskRequest>> byTask = new HashMap<>();
    try {
      JsonLines.forEach(file, (line, number) -> {
        String where = "synthetic.corpus " + file + " line " + number;
        JsonNode entry;
        try {
          entry = Json.MAPPER.readTree(line);
        } catch (IOException e) {
          throw new ConfigException(where + ": not JSON: " + e.getMessage());
        }
        String taskId = entry.path("task").asText("");
        Task task = tasks.get(taskId);
        if (task == null) {
          throw new ConfigException(where + ": 'task' must be one of " + tasks.keySet()
              + ", found '" + taskId + "'");
        }
        TaskKind kind = kinds.byName(task.spec().kind()).orElseThrow();
        String path = entry.path("path").asText(kind.paths().get(0));
        if (!kind.paths().contains(path) || !entry.path("body").isObject()) {
          throw new ConfigException(where + ": needs 'body', a request object, and 'path', one"
              + " of " + kind.paths());
        }
        try {
          TaskRequest request = kind.parseRequest(path,
              Json.MAPPER.writeValueAsBytes(entry.get("body")));
          if (!request.model().equals(task.spec().model())) {
            throw new ConfigException(where + ": the body asks for model '" + request.model()
                + "', not " + task.spec().model());
          }
          byTask.computeIfAbsent(taskId, t -> new ArrayList<>()).add(request);
        } catch (InvalidRequestException e) {
          throw new ConfigException(where + ": not a valid request: " + e.getMessage());
        }
      });
    } catch (IOException e) {
      throw new ConfigException("synthetic.corpus: cannot read " + file + ": " + e.getMessage());
    }
    Map<String, List<TaskRequest>> frozen = new HashMap<>();
    byTask.forEach((task, list) -> frozen.put(task, List.copyOf(list)));
    return new Corpus(Map.copyOf(frozen));
  }

  /** Requests of the task in the corpus. */
  public int size(String taskId) {
    return byTask.getOrDefault(taskId, List.of()).size();
  }

  /** A request of the task drawn uniformly, or null when the corpus has none. */
  public TaskRequest sample(String taskId, RandomGenerator random) {
    List<TaskRequest> list = byTask.get(taskId);
    return list == null || list.isEmpty() ? null : list.get(random.nextInt(list.size()));
  }
}
