package io.assay.task.upstream;

import io.vertx.core.http.RequestOptions;
import java.net.URI;

/**
 * Where an http(s) URL points, as Vert.x request options: host, port (the scheme's default when
 * the URL names none), TLS for https, and the URL's path and query. Parsed once per server, not
 * per request; callers copy the options ({@code new RequestOptions(target)}) and set the method,
 * headers and, for a base URL, the rest of the path.
 */
public final class HttpTargets {

  private HttpTargets() {}

  public static RequestOptions of(URI url) {
    boolean ssl = "https".equalsIgnoreCase(url.getScheme());
    String path = url.getRawPath() == null ? "" : url.getRawPath();
    String query = url.getRawQuery() == null ? "" : "?" + url.getRawQuery();
    return new RequestOptions()
        .setHost(url.getHost())
        .setPort(url.getPort() > 0 ? url.getPort() : ssl ? 443 : 80)
        .setSsl(ssl)
        .setURI(path + query);
  }
}
