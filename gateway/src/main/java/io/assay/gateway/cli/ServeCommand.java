package io.assay.gateway.cli;

import io.assay.gateway.Gateway;
import io.assay.gateway.auth.FirstAdminKey;
import io.assay.gateway.config.GatewayConfig;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code serve}: runs a gateway on its configuration until stopped; the default command. */
@Command(name = "serve", description = "Runs a gateway (the default command).")
final class ServeCommand implements Callable<Integer> {

  @Mixin
  private ConfigOption config;

  @Override
  public Integer call() throws Exception {
    return serve(config);
  }

  static int serve(ConfigOption option) throws Exception {
    GatewayConfig config = option.load();
    Gateway gateway = Gateway.builder(config).configFile(option.file()).start();
    Optional<String> firstAdmin = gateway.call(() -> FirstAdminKey.ensure(
        gateway.keys(), gateway.redis()), "make the first admin key");
    if (firstAdmin.isPresent()) {
      Path written = FirstAdminKey.write(config.dataDir(), firstAdmin.get());
      System.out.println("first start: admin key " + firstAdmin.get() + " (shown once; also in "
          + written + ", mode 0600). Make user keys with: assay-gateway keys create --name"
          + " NAME, or POST /admin/keys");
    }
    System.out.println("assay gateway " + gateway.hotkey() + " serving " + gateway.baseUrl());
    return UntilStopped.await(gateway);
  }
}
