package io.assay.gateway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.assay.gateway.api.OpenAiError;
import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.task.Json;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;

/**
 * The operator API's keys: create, list, show (with usage by day and task), update limits and
 * budget, revoke. A key is named by its prefix ({@code sk-assay-xxxx}, as listed); its token is
 * shown once, when made.
 */
final class KeyRoutes {

  /** Days of usage a key's page shows. */
  private static final int USAGE_DAYS = 31;

  private final ApiKeys keys;

  KeyRoutes(ApiKeys keys) {
    this.keys = keys;
  }

  void mount(Router router) {
    router.post("/admin/keys").handler(this::create);
    router.get("/admin/keys").handler(this::list);
    router.get("/admin/keys/:prefix").handler(this::show);
    router.patch("/admin/keys/:prefix").handler(this::update);
    router.delete("/admin/keys/:prefix").handler(this::revoke);
  }

  /** {@code {"name", "requests_per_minute"?, "units_per_minute"?, "credit"?}}: a user key. */
  private void create(RoutingContext ctx) {
    JsonNode root = object(ctx);
    if (root == null) {
      return;
    }
    if (!root.path("name").isTextual() || root.path("name").asText().isBlank()) {
      OpenAiError.invalidRequest("name is required: a non-empty string", "name",
          "invalid_value").send(ctx.response());
      return;
    }
    Long rpm = whole(ctx, root, "requests_per_minute", Integer.MAX_VALUE);
    Long upm = ctx.response().ended() ? null
        : whole(ctx, root, "units_per_minute", Long.MAX_VALUE);
    Long credit = ctx.response().ended() ? null : credits(ctx, root, "credit");
    if (ctx.response().ended()) {
      return;
    }
    String name = root.get("name").asText();
    int requests = rpm == null ? 0 : rpm.intValue();
    keys.create(name, ApiKey.Role.USER, new ApiKeys.Limits(requests, upm == null ? 0 : upm,
        credit)).onComplete(ar -> {
          if (ar.failed()) {
            OpenAiError.internal().send(ctx.response());
            return;
          }
          ObjectNode body = Json.MAPPER.createObjectNode();
          body.put("name", name).put("key", ar.result()).put("requests_per_minute", requests)
              .put("units_per_minute", upm == null ? 0 : upm);
          if (credit == null) {
            body.putNull("credit");
          } else {
            body.put("credit", credit / 1e6);
          }
          AdminRoutes.send(ctx, 201, body);
        });
  }

  private void list(RoutingContext ctx) {
    keys.list().onComplete(ar -> {
      if (ar.failed()) {
        OpenAiError.internal().send(ctx.response());
        return;
      }
      ObjectNode body = Json.MAPPER.createObjectNode();
      body.set("keys", Json.MAPPER.valueToTree(ar.result()));
      AdminRoutes.send(ctx, 200, body);
    });
  }

  private void show(RoutingContext ctx) {
    one(ctx).onSuccess(key -> {
      if (key == null) {
        return;
      }
      keys.usage(key.hash(), USAGE_DAYS).onComplete(ar -> {
        if (ar.failed()) {
          OpenAiError.internal().send(ctx.response());
          return;
        }
        ObjectNode body = (ObjectNode) Json.MAPPER.valueToTree(key);
        body.set("usage_by_day", Json.MAPPER.valueToTree(ar.result()));
        AdminRoutes.send(ctx, 200, body);
      });
    });
  }

  /**
   * {@code {"requests_per_minute"?, "units_per_minute"?, "credit"?, "add_credit"?}}: what is
   * given changes; {@code add_credit} tops the balance up (atomically).
   */
  private void update(RoutingContext ctx) {
    JsonNode root = object(ctx);
    if (root == null) {
      return;
    }
    Long rpm = whole(ctx, root, "requests_per_minute", Integer.MAX_VALUE);
    Long upm = ctx.response().ended() ? null : whole(ctx, root, "units_per_minute", Long.MAX_VALUE);
    Long credit = ctx.response().ended() ? null : credits(ctx, root, "credit");
    Long add = ctx.response().ended() ? null : credits(ctx, root, "add_credit");
    if (ctx.response().ended()) {
      return;
    }
    one(ctx).onSuccess(key -> {
      if (key == null) {
        return;
      }
      keys.update(key.hash(), rpm == null ? null : rpm.intValue(), upm, credit, add)
          .compose(v -> keys.listed(key.hash()))
          .onComplete(ar -> {
            if (ar.failed() || ar.result() == null) {
              OpenAiError.internal().send(ctx.response());
            } else {
              AdminRoutes.send(ctx, 200, Json.MAPPER.valueToTree(ar.result()));
            }
          });
    });
  }

  private void revoke(RoutingContext ctx) {
    one(ctx).onSuccess(key -> {
      if (key == null) {
        return;
      }
      keys.revoke(key.name(), key.prefix()).onComplete(ar -> {
        if (ar.failed()) {
          OpenAiError.internal().send(ctx.response());
          return;
        }
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("revoked", key.prefix());
        AdminRoutes.send(ctx, 200, body);
      });
    });
  }

  /** The one key of the path's prefix; null (with the answer sent) when none or several. */
  private Future<ApiKeys.Listed> one(RoutingContext ctx) {
    String prefix = ctx.pathParam("prefix");
    return keys.withPrefix(prefix).map(found -> {
      if (found.isEmpty()) {
        OpenAiError.notFound("No key with prefix " + OpenAiError.quote(prefix) + ".")
            .send(ctx.response());
        return null;
      }
      if (found.size() > 1) {
        new OpenAiError(409, found.size() + " keys start with " + OpenAiError.quote(prefix)
            + "; give more of the prefix.", "invalid_request_error", null, "ambiguous", 0)
            .send(ctx.response());
        return null;
      }
      return found.get(0);
    }).onFailure(e -> OpenAiError.internal().send(ctx.response()));
  }

  /** The body as a JSON object; null (with a 400 sent) otherwise. */
  private static JsonNode object(RoutingContext ctx) {
    try {
      JsonNode root = Json.MAPPER.readTree(AdminRoutes.bytes(ctx));
      if (root != null && root.isObject()) {
        return root;
      }
    } catch (IOException e) {
      // answered below
    }
    OpenAiError.invalidRequest("The body must be a JSON object.", null, "invalid_json")
        .send(ctx.response());
    return null;
  }

  /** A whole number >= 0 at {@code field}, null when absent; a 400 naming it otherwise. */
  private static Long whole(RoutingContext ctx, JsonNode root, String field, long max) {
    JsonNode v = root.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > max) {
      OpenAiError.invalidRequest(field + " must be a whole number >= 0 (0: no limit), was "
          + OpenAiError.quote(v.toString()), field, "invalid_value").send(ctx.response());
      return null;
    }
    return v.asLong();
  }

  /** Credits (a number >= 0) at {@code field} as millionths, null when absent; else a 400. */
  private static Long credits(RoutingContext ctx, JsonNode root, String field) {
    JsonNode v = root.path(field);
    if (v.isMissingNode() || v.isNull()) {
      return null;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0
        || v.asDouble() > 1e12) {
      OpenAiError.invalidRequest(field + " must be a number of credits >= 0, was "
          + OpenAiError.quote(v.toString()), field, "invalid_value").send(ctx.response());
      return null;
    }
    return Math.round(v.asDouble() * 1e6);
  }
}
