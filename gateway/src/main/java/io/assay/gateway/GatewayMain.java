package io.assay.gateway;

import io.assay.cli.CommandLines;
import io.assay.gateway.cli.GatewayCommand;

/**
 * The gateway's command line ({@link GatewayCommand} says what it takes).
 *
 * <pre>
 * assay-gateway [serve] [--config FILE]              run a gateway
 * assay-gateway devnet [--port P] [--data-dir D] [--miners N|SPEC] [--period-seconds S]
 *                                                    gateway + reference miners on loopback
 * assay-gateway simulate --miners SPEC --periods N --period-seconds S [--out FILE]
 *                                                    a time-compressed market; prints weights
 * assay-gateway export-events --out FILE [--config FILE] [--data-dir D]
 * assay-gateway recompute-weights --events FILE      recompute every computation bit for bit
 * assay-gateway keys create --name NAME [--admin] [--rpm N] [--upm N] [--credit C]
 * assay-gateway keys list | show --prefix P | revoke --name NAME [--prefix P]
 * assay-gateway keys update --prefix P [--rpm N] [--upm N] [--credit C] [--add-credit C]
 *                                       (every keys command takes [--config FILE] [--data-dir D])
 * assay-gateway prove-answer --request-id ID [--config FILE] [--data-dir D]
 *                                                    an answer's receipt, Merkle path and root
 * assay-gateway weights export [--config FILE] [--data-dir D]   latest weights, signed for chain
 * assay-gateway keygen --out FILE                    new identity, prints hotkey
 * assay-gateway doctor [--config FILE]               what works and what is missing
 * assay-gateway verify-quote --quote FILE --collateral FILE [--now ISO] [--report-data HEX]
 *     [--policy FILE]                                a DCAP quote's verdict, as JSON, offline
 * </pre>
 *
 * <p>SPEC names miner behaviours and counts, e.g. {@code honest:3,overclaim:1,slow:1}. Exit
 * codes are {@link CommandLines}': 0 done, 1 failed, 2 a usage or configuration error.
 */
public final class GatewayMain {

  private GatewayMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the command line, printing to {@link System#out} and {@link System#err}; returns the
   * exit code (serve and devnet return once stopped).
   */
  public static int run(String... args) {
    return CommandLines.execute(new GatewayCommand(), args);
  }
}
