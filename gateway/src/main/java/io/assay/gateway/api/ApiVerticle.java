package io.assay.gateway.api;

import io.assay.gateway.auth.ApiKey;
import io.assay.gateway.auth.ApiKeys;
import io.assay.gateway.auth.RateLimiter;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.files.PublishedFiles;
import io.assay.gateway.routing.Dispatcher;
import io.assay.gateway.metrics.GatewayMetrics;
import io.assay.gateway.usage.TrafficSeries;
import io.assay.gateway.usage.UsageRecorder;
import io.assay.metrics.Exposition;
import io.assay.metrics.MetricsAccess;
import io.assay.task.LocalRoute;
import io.assay.task.Task;
import io.assay.task.TaskKind;
import io.assay.task.TaskKinds;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public HTTP server. One instance is deployed per event loop; all share the same port and
 * the same (thread-safe) components, handed in through {@link Components}.
 *
 * <p>Routes: {@code /health/live}, {@code /health/ready} and {@code /metrics} without a key; under
 * {@code /v1} a bearer key, the models list and every registered task kind's paths; the
 * dashboard's page and assets without a key, the rest of {@code /admin} behind an admin key.
 * Every answered request is counted at {@code /metrics}, and those under {@code /v1} in the
 * {@link TrafficSeries} too.
 */
public final class ApiVerticle extends VerticleBase {

  private static final Logger log = LoggerFactory.getLogger(ApiVerticle.class);

  /** Where the authenticated {@link ApiKey} is kept in a request's routing context. */
  public static final String API_KEY = "assay.apiKey";

  /** Everything the routes need, shared by every instance. */
  public record Components(
      GatewayConfig config,
      TaskKinds kinds,
      Map<String, Task> tasksById,
      ApiKeys keys,
      RateLimiter limiter,
      Dispatcher dispatcher,
      UsageRecorder usage,
      GatewayMetrics metrics,
      io.assay.gateway.synthetic.OrganicSamples organic,
      // The admin routes, mounted behind the admin key; a function so the API does not
      // depend on the admin package (which builds on the API's errors and keys).
      java.util.function.Consumer<Router> admin,
      PublishedFiles files,
      BooleanSupplier ready,
      long startedAtSeconds,
      // The dashboard's page and assets under /admin, mounted before the admin key check (a
      // browser loads them without one; the page then sends the key on its API calls).
      java.util.function.Consumer<Router> dashboard,
      TrafficSeries traffic) {}

  /** How long requests under way may take to finish when the gateway stops. */
  static final java.time.Duration DRAIN = java.time.Duration.ofSeconds(4);

  private final Components c;
  private final ClientConnections connections;
  /** Requests in flight per API key ({@code gateway.max_requests_in_flight_per_key}). */
  private final CappedCounts perKey;
  private HeadDeadline heads;
  private io.vertx.core.http.HttpServer server;

  private ApiVerticle(Components components, ClientConnections connections,
      CappedCounts perKey) {
    this.c = components;
    this.connections = connections;
    this.perKey = perKey;
  }

  /**
   * Makes the server's instances (one per event loop), sharing one count of connections per
   * client and of requests in flight per key.
   */
  public static java.util.function.Supplier<ApiVerticle> instances(Components components) {
    ClientConnections connections =
        new ClientConnections(components.config().listener().maxConnectionsPerClient());
    CappedCounts perKey =
        new CappedCounts(components.config().listener().maxRequestsInFlightPerKey());
    return () -> new ApiVerticle(components, connections, perKey);
  }

  @Override
  public Future<?> start() {
    heads = new HeadDeadline(vertx, c.config().listener().headerTimeout().toMillis());
    Router router = Router.router(vertx);
    router.route().handler(ctx -> {
      heads.headArrived(ctx.request().connection());
      ctx.response().putHeader(REQUEST_ID, RequestIds.of(ctx.request().getHeader(REQUEST_ID)));
      long arrived = System.nanoTime();
      ctx.addEndHandler(ignored -> {
        String route = routeName(ctx);
        int status = ctx.response().getStatusCode();
        long nanos = System.nanoTime() - arrived;
        c.metrics().requestEnded(route, status, nanos);
        if (route.startsWith("/v1/")) {
          c.traffic().record(status, nanos);
        }
      });
      ctx.next();
    }).failureHandler(ctx -> {
      if (ctx.response().closed()) {
        // The client went away (mid-body, say): nobody to answer, nothing wrong here.
        log.debug("{} {}: client gone", ctx.request().path(), requestId(ctx));
        return;
      }
      ctx.next(); // on to the error handlers below, by status
    });
    router.get("/health/live").handler(ctx -> ctx.json(Map.of("status", "ok")));
    router.get("/health/ready").handler(ctx -> {
      boolean ready = c.ready().getAsBoolean();
      ctx.response().setStatusCode(ready ? 200 : 503);
      ctx.json(Map.of("status", ready ? "ready" : "starting"));
    });
    router.get("/metrics").handler(ctx -> {
      if (!MetricsAccess.allowed(c.config().listener().metricsToken(),
          ctx.request().getHeader("Authorization"), remoteHost(ctx))) {
        OpenAiError.forbidden("/metrics is for loopback clients, or for those that send"
            + " gateway.metrics_token as a bearer token.").send(ctx.response());
        return;
      }
      // Values kept in Redis are read first, asynchronously; the scrape is written back on
      // this event loop.
      String accept = ctx.request().getHeader("Accept");
      Future.fromCompletionStage(c.metrics().refresh(), vertx.getOrCreateContext())
          .onComplete(ignored -> {
            Exposition.Scrape scrape = c.metrics().scrape(accept);
            ctx.response().putHeader("Content-Type", scrape.contentType())
                .end(Buffer.buffer(scrape.body()));
          });
    });

    long bodyMillis = c.config().listener().bodyTimeout().toMillis();
    router.route("/v1/*").handler(ctx -> {
      // A body still arriving after body_timeout is a slow (or stalled) client: 408, and the
      // connection goes, rather than holding a slot for as long as it trickles.
      c.metrics().apiRequestStarted();
      long timer = vertx.setTimer(bodyMillis, id -> {
        if (!ctx.request().isEnded() && !ctx.response().ended()) {
          ctx.response().putHeader("Connection", "close");
          new OpenAiError(408, "The request body did not arrive within "
              + c.config().listener().bodyTimeout().toSeconds() + " s.", "invalid_request_error",
              null, "request_timeout", 0).send(ctx.response());
          ctx.request().connection().close();
        }
      });
      ctx.addEndHandler(v -> {
        vertx.cancelTimer(timer);
        c.metrics().apiRequestEnded();
      });
      ctx.next();
    });
    router.route("/v1/*").handler(new RequestBodies(c.config().maxBodyBytes()));
    router.route("/v1/*").handler(new Authenticator(c.keys(), c.limiter(), ApiKey.Role.USER,
        perKey));

    c.dashboard().accept(router);
    router.route("/admin/*").handler(BodyHandler.create(false).setBodyLimit(1024 * 1024));
    router.route("/admin/*").handler(new Authenticator(c.keys(), c.limiter(), ApiKey.Role.ADMIN,
        null));
    c.admin().accept(router);

    ModelsEndpoint models = new ModelsEndpoint(c.config().tasks(), c.startedAtSeconds());
    router.get("/v1/models").handler(models::list);
    router.get("/v1/models/:id").handler(models::get);
    for (TaskKind kind : c.kinds().all()) {
      TaskEndpoint endpoint = new TaskEndpoint(kind, c.tasksById(), c.dispatcher(), c.usage(),
          c.metrics(), c.files(), c.organic());
      for (String path : kind.paths()) {
        router.post(path).handler(endpoint::handle);
      }
      List<Task> tasks = c.tasksById().values().stream()
          .filter(t -> t.spec().kind().equals(kind.name())).toList();
      for (LocalRoute route : kind.localRoutes(tasks)) {
        router.route(HttpMethod.valueOf(route.method()), route.path())
            .handler(new LocalRouteHandler(route));
      }
    }
    // Published files need no key (see FileEndpoint).
    router.get(PublishedFiles.PATH + ":id").handler(new FileEndpoint(c.files())::handle);

    router.errorHandler(404, ctx -> OpenAiError.notFound("Unknown request URL: "
        + ctx.request().method() + " " + ctx.request().path() + ".").send(ctx.response()));
    router.errorHandler(405, ctx -> new OpenAiError(405, "Method " + ctx.request().method()
        + " is not allowed on " + ctx.request().path() + ".", "invalid_request_error", null,
        "method_not_allowed", 0).send(ctx.response()));
    router.errorHandler(413, ctx -> OpenAiError.tooLarge(c.config().maxBodyBytes())
        .send(ctx.response()));
    router.errorHandler(400, ctx -> OpenAiError.invalidRequest(
        "We could not parse the body of your request.", null, null).send(ctx.response()));
    router.errorHandler(500, ctx -> {
      if (ctx.failure() != null) {
        log.error("unhandled error on {} ({})", ctx.request().path(), requestId(ctx),
            ctx.failure());
      }
      OpenAiError.internal().send(ctx.response());
    });

    HttpServerOptions options = new HttpServerOptions()
        .setHost(c.config().host())
        .setPort(c.config().port())
        .setIdleTimeout((int) c.config().listener().idleTimeout().toSeconds())
        .setMaxInitialLineLength(MAX_REQUEST_LINE)
        .setMaxHeaderSize(MAX_HEADERS)
        // Cleartext HTTP/2 off: OpenAI clients speak HTTP/1.1 to a plain-text server, and with
        // it on, Vert.x hands over a connection only after its first request's headers (to tell
        // the protocols apart), too late to count it or time its headers.
        .setHttp2ClearTextEnabled(false);
    GatewayConfig.Tls tls = c.config().listener().tls();
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
          .setCertPath(tls.certificate().toString()).setKeyPath(tls.key().toString()));
    }
    return vertx.createHttpServer(options).connectionHandler(connection -> {
          connections.opened(connection);
          heads.opened(connection);
        })
        .invalidRequestHandler(request -> {
          // Vert.x would answer in plain text; users get OpenAI's shape, then the connection
          // closes.
          request.response().putHeader("Connection", "close");
          OpenAiError.malformedHttp(request.decoderResult().cause(), MAX_REQUEST_LINE,
              MAX_HEADERS).send(request.response());
        })
        .requestHandler(router).listen()
        .onSuccess(listening -> server = listening);
  }

  /**
   * Stops accepting connections and lets requests under way finish, for at most {@link #DRAIN}
   * (on SIGTERM the whole gateway must be down within 5 s).
   */
  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.shutdown(DRAIN);
  }

  /** Longest request line read, in bytes; longer gets 414. */
  static final int MAX_REQUEST_LINE = 8192;
  /** Most header bytes read; more gets 431. */
  static final int MAX_HEADERS = 16384;

  /** The response header naming a request: the client's own id if it sent a usable one. */
  static final String REQUEST_ID = "X-Request-Id";

  static String requestId(RoutingContext ctx) {
    return ctx.response().headers().get(REQUEST_ID);
  }

  private static String remoteHost(RoutingContext ctx) {
    io.vertx.core.net.SocketAddress from = ctx.request().remoteAddress();
    return from == null ? null : from.hostAddress();
  }

  private static String routeName(RoutingContext ctx) {
    String path = ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
    return path == null ? "other" : path;
  }
}
