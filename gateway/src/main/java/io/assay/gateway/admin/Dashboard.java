package io.assay.gateway.admin;

import io.assay.gateway.api.OpenAiError;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's dashboard: one page ({@code /admin/}) and its scripts, style and icon ({@code
 * /admin/ui/<file>}), bundled in the jar under {@value #RESOURCES} and served from memory.
 *
 * <p>They are served without a key, since a browser loads them before it has one; the page asks
 * for an admin key, keeps it in the tab's session storage and sends it as a bearer token on its
 * calls to the admin API, which stays behind the key. Only the files listed in {@link #FILES}
 * are served, each with its content type and a strict Content-Security-Policy: nothing but this
 * origin's own files, no inline script or style, no framing. Answers carry an ETag and are
 * revalidated on every load ({@code no-cache}), so a new jar's page is seen at once.
 */
public final class Dashboard {

  /** Where the files are on the class path. */
  static final String RESOURCES = "assay/dashboard/";
  /** The page and every asset, by file name. */
  static final List<String> FILES = List.of("index.html", "app.js", "api.js", "views.js",
      "charts.js", "table.js", "dom.js", "style.css", "icon.svg");
  /** What the page may load and do. */
  public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self';"
      + " img-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none';"
      + " form-action 'self'; frame-ancestors 'none'";
  private static final Map<String, String> TYPES = Map.of(
      "html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8",
      "css", "text/css; charset=utf-8",
      "svg", "image/svg+xml");

  private record Asset(Buffer content, String type, String etag) {}

  private final Map<String, Asset> assets;

  private Dashboard(Map<String, Asset> assets) {
    this.assets = assets;
  }

  /**
   * Reads the files from the class path.
   *
   * @throws IllegalStateException when one is missing (a broken build)
   */
  public static Dashboard load() {
    Map<String, Asset> assets = new LinkedHashMap<>();
    ClassLoader loader = Dashboard.class.getClassLoader();
    for (String file : FILES) {
      try (InputStream in = loader.getResourceAsStream(RESOURCES + file)) {
        if (in == null) {
          throw new IllegalStateException("the dashboard file " + RESOURCES + file
              + " is missing from the class path");
        }
        byte[] bytes = in.readAllBytes();
        String type = TYPES.get(file.substring(file.lastIndexOf('.') + 1));
        assets.put(file, new Asset(Buffer.buffer(bytes), type, etag(bytes)));
      } catch (IOException e) {
        throw new UncheckedIOException("reading the dashboard file " + RESOURCES + file, e);
      }
    }
    return new Dashboard(Map.copyOf(assets));
  }

  /** Adds the page and asset routes; mount before the admin key check. */
  public void mount(Router router) {
    router.get("/admin").handler(ctx -> {
      if (ctx.request().path().endsWith("/")) {
        send(ctx, assets.get("index.html"));
      } else {
        // Relative links on the page resolve from /admin/.
        ctx.response().setStatusCode(301).putHeader("Location", "/admin/").end();
      }
    });
    router.get("/admin/ui/:file").handler(ctx -> {
      Asset asset = "index.html".equals(ctx.pathParam("file")) ? null
          : assets.get(ctx.pathParam("file"));
      if (asset == null) {
        OpenAiError.notFound("No dashboard file " + OpenAiError.quote(ctx.pathParam("file"))
            + ".").send(ctx.response());
        return;
      }
      send(ctx, asset);
    });
  }

  private static void send(RoutingContext ctx, Asset asset) {
    var response = ctx.response()
        .putHeader("Content-Security-Policy", CSP)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Referrer-Policy", "no-referrer")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("ETag", asset.etag());
    if (asset.etag().equals(ctx.request().getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", asset.type()).end(asset.content());
  }

  private static String etag(byte[] bytes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
      return "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
