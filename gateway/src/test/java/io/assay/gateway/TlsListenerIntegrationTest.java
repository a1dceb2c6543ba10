package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.assay.config.ConfigException;
import io.assay.gateway.config.ConfigFiles;
import io.assay.task.TaskSpec;
import java.io.FileInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 13 item 6: HTTPS on the public listener from a PEM certificate and key in config, used
 * by the official OpenAI client trusting a self-signed certificate; bad TLS settings are refused
 * at start, naming the key.
 */
class TlsListenerIntegrationTest {

  private static final TaskSpec SPEC = new TaskSpec("llm", "reference-lm", 1_000_000, 128);
  private static Path dir;
  private static Path cert;
  private static Path key;
  private static KeyStore trusted;

  /** A self-signed certificate for 127.0.0.1 made by the JDK's keytool, written out as PEM. */
  @BeforeAll
  static void certificate() throws Exception {
    dir = TestDevnets.tempDir("assay-tls");
    Path store = dir.resolve("gateway.p12");
    Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin",
        "keytool").toString(), "-genkeypair", "-alias", "gateway", "-keyalg", "EC",
        "-groupname", "secp256r1", "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1",
        "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit").redirectErrorStream(true).start();
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(new String(keytool.getInputStream().readAllBytes()))
        .isZero();
    KeyStore p12 = KeyStore.getInstance("PKCS12");
    try (InputStream in = new FileInputStream(store.toFile())) {
      p12.load(in, "changeit".toCharArray());
    }
    Certificate certificate = p12.getCertificate("gateway");
    cert = dir.resolve("cert.pem");
    key = dir.resolve("key.pem");
    Files.writeString(cert, pem("CERTIFICATE", certificate.getEncoded()));
    Files.writeString(key, pem("PRIVATE KEY",
        p12.getKey("gateway", "changeit".toCharArray()).getEncoded()));
    trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    trusted.setCertificateEntry("gateway", certificate);
  }

  @Test
  void officialClient_talksHttps_andPlainHttpIsRefused() throws Exception {
    try (LlmTestGateway test = LlmTestGateway.start("assay-tls-gw",
        Map.of("ASSAY_GATEWAY_TLS_CERT", cert.toString(), "ASSAY_GATEWAY_TLS_KEY",
            key.toString()), null, SPEC, 4, reference -> Map.of("only", reference))) {
      assertThat(test.gateway.baseUrl()).startsWith("https://");
      TrustManagerFactory trust = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      trust.init(trusted);
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(null, trust.getTrustManagers(), null);
      OpenAIClient client = OpenAIOkHttpClient.builder()
          .baseUrl(test.gateway.baseUrl())
          .apiKey(test.apiKey)
          .sslSocketFactory(tls.getSocketFactory())
          .trustManager((X509TrustManager) trust.getTrustManagers()[0])
          .maxRetries(0)
          .build();

      ChatCompletion completion = client.chat().completions().create(
          ChatCompletionCreateParams.builder().model("reference-lm").maxCompletionTokens(4)
              .addUserMessage("hello over TLS").build());

      assertThat(completion.choices()).hasSize(1);
      HttpClient plain = HttpClient.newHttpClient();
      String url = "http://127.0.0.1:" + test.gateway.port() + "/health/live";
      assertThatThrownBy(() -> plain.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
    }
  }

  @Test
  void aCertificateWithoutItsKey_orAFileThatIsNotPem_isRefusedNamingTheKey() throws Exception {
    assertThatThrownBy(() -> ConfigFiles.load(null,
        Map.of("ASSAY_GATEWAY_TLS_CERT", cert.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.tls_key");
    Path notPem = dir.resolve("not.pem");
    Files.writeString(notPem, "hello");
    assertThatThrownBy(() -> ConfigFiles.load(null,
        Map.of("ASSAY_GATEWAY_TLS_CERT", notPem.toString(), "ASSAY_GATEWAY_TLS_KEY",
            key.toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.tls_cert")
        .hasMessageContaining("CERTIFICATE");
    assertThatThrownBy(() -> ConfigFiles.load(null,
        Map.of("ASSAY_GATEWAY_TLS_CERT", cert.toString(), "ASSAY_GATEWAY_TLS_KEY",
            dir.resolve("absent.pem").toString())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.tls_key")
        .hasMessageContaining("cannot read");
  }

  @Test
  void aPemThatHoldsNoUsableCertificate_stopsTheStartNamingTheKeys() throws Exception {
    Path broken = dir.resolve("broken.pem");
    Files.writeString(broken, pem("CERTIFICATE", new byte[] {1, 2, 3}));
    var config = ConfigFiles.load(null, Map.of("ASSAY_GATEWAY_TLS_CERT", broken.toString(),
        "ASSAY_GATEWAY_TLS_KEY", key.toString())).withPort(0)
        .withDataDir(TestDevnets.tempDir("assay-tls-broken"));

    assertThatThrownBy(() -> Gateway.builder(config).start().close())
        .isInstanceOf(ConfigException.class).hasMessageContaining("gateway.tls_cert")
        .hasMessageContaining(broken.toString());
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
