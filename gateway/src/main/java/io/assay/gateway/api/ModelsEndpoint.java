package io.assay.gateway.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.assay.gateway.config.GatewayConfig.TaskConfig;
import io.assay.task.Json;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /v1/models} and {@code GET /v1/models/{id}}: the configured tasks' models. */
final class ModelsEndpoint {

  private final Map<String, byte[]> models = new LinkedHashMap<>();
  private final byte[] list;

  /** Bodies are rendered once: the model list only changes with the configuration. */
  ModelsEndpoint(List<TaskConfig> tasks, long created) {
    for (TaskConfig task : tasks) {
      models.putIfAbsent(task.model(), render(g -> writeModel(g, task, created)));
    }
    list = render(g -> {
      g.writeStartObject();
      g.writeStringField("object", "list");
      g.writeArrayFieldStart("data");
      for (TaskConfig task : tasks) {
        writeModel(g, task, created);
      }
      g.writeEndArray();
      g.writeEndObject();
    });
  }

  void list(RoutingContext ctx) {
    send(ctx, list);
  }

  void get(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    byte[] body = models.get(id);
    if (body == null) {
      OpenAiError.unknownModel(id).send(ctx.response());
      return;
    }
    send(ctx, body);
  }

  private static void send(RoutingContext ctx, byte[] body) {
    ctx.response().putHeader("Content-Type", "application/json").end(Buffer.buffer(body));
  }

  private static void writeModel(JsonGenerator g, TaskConfig task, long created)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("id", task.model());
    g.writeStringField("object", "model");
    g.writeNumberField("created", created);
    g.writeStringField("owned_by", "assay");
    g.writeStringField("task", task.kind());
    g.writeEndObject();
  }

  private interface Writer {
    void write(JsonGenerator g) throws IOException;
  }

  private static byte[] render(Writer writer) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      writer.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
