package io.assay.task;

/**
 * A request the API refuses. Becomes an HTTP 400 in OpenAI's error shape with {@link #param()}
 * and {@link #code()}.
 */
public final class InvalidRequestException extends TaskException {

  private final String param;
  private final String code;

  /**
   * @param message what is wrong, in words a user can act on
   * @param param the offending parameter, or null when the body as a whole is wrong
   * @param code a machine-readable code such as {@code invalid_value}, or null
   */
  public InvalidRequestException(String message, String param, String code) {
    super(message);
    this.param = param;
    this.code = code;
  }

  /** A body that is not JSON at all. */
  public static InvalidRequestException unparsableBody() {
    return new InvalidRequestException("We could not parse the JSON body of your request. (HINT:"
        + " This likely means you aren't using your HTTP library correctly. The API expects a"
        + " JSON payload, but what was sent was not valid JSON.)", null, null);
  }

  /** A JSON body that is not an object. */
  public static InvalidRequestException notAnObject() {
    return new InvalidRequestException("The request body must be a JSON object.", null,
        "invalid_type");
  }

  public String param() {
    return param;
  }

  public String code() {
    return code;
  }

  /** Control flow, not a bug: no stack trace. */
  @Override
  public synchronized Throwable fillInStackTrace() {
    return this;
  }
}
