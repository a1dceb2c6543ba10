package io.assay.checking;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The checking server's entry point. For now it starts and answers its health endpoints; the
 * quality checkers arrive with the checking-server issue.
 *
 * <pre>
 * java -jar assay-checking-server.jar [--port P]     (default 8090)
 * </pre>
 */
public final class CheckingServerMain {

  private CheckingServerMain() {}

  public static void main(String[] args) throws Exception {
    int port = 8090;
    if (args.length == 2 && args[0].equals("--port")) {
      try {
        port = Integer.parseInt(args[1]);
      } catch (NumberFormatException e) {
        System.err.println("assay-checking-server: --port expects a number, got " + args[1]);
        System.exit(2);
      }
    } else if (args.length != 0) {
      System.err.println("usage: assay-checking-server [--port P]");
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx();
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> {
          String path = request.path();
          if (path.equals("/health/live") || path.equals("/health/ready")) {
            request.response().putHeader("Content-Type", "application/json")
                .end("{\"status\":\"ok\"}");
          } else {
            request.response().setStatusCode(404).putHeader("Content-Type", "application/json")
                .end("{\"error\":{\"message\":\"not found\",\"type\":\"invalid_request_error\","
                    + "\"param\":null,\"code\":\"not_found\"}}");
          }
        })
        .listen(port, "127.0.0.1")
        .await(30, TimeUnit.SECONDS);
    System.out.println("assay checking server listening on port " + server.actualPort());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      vertx.close();
      stopped.countDown();
    }, "shutdown"));
    stopped.await();
  }
}
