/**
 * Miners with scripted behaviours, for time-compressed marketplace simulations that check honest
 * miners out-earn cheaters (SCORING.md section 8).
 *
 * <p>The entry points are {@link io.assay.miner.sim.Behaviour} (set per miner with {@code
 * behaviour:} in the miner configuration, applied by {@link io.assay.miner.MinerFactory}), {@link
 * io.assay.miner.sim.MinerSpecs#parse} for a simulation's population ({@code
 * honest:3,slow:1,sybil:3}), {@link io.assay.miner.sim.SimulatedFleet} to build a simulation's
 * miners on machines of their own speed ({@link io.assay.miner.sim.ServiceModel}, {@link
 * io.assay.miner.sim.Machine}), {@link io.assay.miner.sim.SimulatedBackends#wrap} for the backend
 * decorators and {@link io.assay.miner.sim.DeclarationPolicies} for what miners answer to {@code
 * GET /capacity}; the decorators themselves are package-private.
 */
package io.assay.miner.sim;
