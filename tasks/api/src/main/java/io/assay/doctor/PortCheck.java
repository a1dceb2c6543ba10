package io.assay.doctor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * Whether a program can listen where it is configured to: binds the address and releases it at
 * once, with the reuse-address option servers set, so a port in {@code TIME_WAIT} passes and a
 * port someone listens on fails.
 */
public final class PortCheck {

  private PortCheck() {}

  /**
   * @param setting the configuration key (or option) that chooses the port, named in the fix
   */
  public static Check of(String host, int port, String setting) {
    return Check.of("port " + host + ":" + port, "stop what listens there, or set " + setting
        + " to another port", () -> probe(host, port, setting));
  }

  private static Finding probe(String host, int port, String setting) {
    InetSocketAddress address = new InetSocketAddress(host, port);
    if (address.isUnresolved()) {
      return Finding.failed("cannot resolve host " + host, "set the host beside " + setting
          + " to an address of this machine");
    }
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(address);
      return Finding.ok("free");
    } catch (IOException e) {
      return Finding.failed("cannot listen there (" + Doctor.oneLine(e) + ")",
          "stop what listens there, or set " + setting + " to another port");
    }
  }
}
