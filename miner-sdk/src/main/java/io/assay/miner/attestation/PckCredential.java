package io.assay.miner.attestation;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A PCK leaf certificate and its private key: what a test platform's provisioning
 * certification enclave would hold, and signs its quoting enclave's reports with.
 */
public record PckCredential(
    X509Certificate certificate, PrivateKey privateKey, TestPlatform platform) {}
