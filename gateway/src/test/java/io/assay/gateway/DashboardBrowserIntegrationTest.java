package io.assay.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.assay.gateway.config.ConfigFiles;
import io.assay.gateway.config.GatewayConfig;
import io.assay.gateway.devnet.Devnet;
import io.assay.gateway.routing.MinerNode;
import io.assay.task.Json;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: Debian's headless Chromium, driven through the system's
 * chromedriver (never a downloaded one), against a devnet whose miners have been scored. It logs
 * in with the admin key, reads and sorts the miners table, opens a miner, previews and applies a
 * task-weight change in the editor, and checks over HTTP that the change was applied and
 * recorded; along the way it saves screenshots under {@code target/} ({@code dashboard.png} is
 * the miners table). Skipped, saying why, where Chromium or chromedriver is not installed.
 */
class DashboardBrowserIntegrationTest {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String LLM = "llm/reference-lm";
  private static final String EMB = "embeddings/all-MiniLM-L6-v2";
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void operator_logsIn_readsMiners_andChangesATaskWeightThroughThePreview() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium and chromedriver are not installed (" + CHROMIUM + ", " + CHROMEDRIVER
            + "): apt-get install chromium chromium-driver; .ci/run installs them");
    GatewayConfig config = ConfigFiles.load(null, Map.of())
        .withTasksOf(Set.of("llm", "embeddings")).withPeriod(Duration.ofSeconds(10)).withPort(0);
    try (Devnet devnet = Devnet.start(config, TestDevnets.tempDir("assay-dashboard-browser"), 2)) {
      String admin = devnet.info().adminKey();
      List<MinerNode> miners = List.copyOf(devnet.gateway().directory().all());
      for (int i = 0; i < 4; i++) {
        assertThat(GatewayHttp.embed(devnet, "dashboard traffic " + i).statusCode())
            .isEqualTo(200);
      }
      // Scored miners: a period has completed and answers have been checked.
      await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
          .untilAsserted(() -> {
            JsonNode weights = json(call(devnet, "POST", "/admin/weights/compute", admin, ""));
            assertThat(weights.path("weights").size()).isEqualTo(miners.size());
            double total = 0;
            for (JsonNode w : weights.path("weights")) {
              total += w.asDouble();
            }
            assertThat(total).as("weights earned").isPositive();
          });

      WebDriver browser = chromium();
      try {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        wait.ignoring(StaleElementReferenceException.class).ignoring(AssertionError.class);
        browser.get(base(devnet) + "/admin/");

        // Log in.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("admin-key")))
            .sendKeys(admin);
        browser.findElement(By.id("login-button")).click();

        // The miners table: every miner, each task a row, with its real name and hotkey. The
        // view refreshes itself, so what is read is read again if it was redrawn meanwhile.
        By rows = By.cssSelector("#miners-table tbody tr[data-hotkey]");
        wait.until(ExpectedConditions.numberOfElementsToBe(rows, miners.size() * 2));
        for (MinerNode miner : miners) {
          wait.until(d -> {
            List<WebElement> mine = d.findElements(By.cssSelector(
                "#miners-table tbody tr[data-hotkey='" + miner.hotkey() + "']"));
            assertThat(mine).hasSize(2);
            assertThat(mine.get(0).findElement(By.cssSelector("a.miner-link")).getText())
                .isEqualTo(miner.name());
            assertThat(mine.get(0).findElement(By.cssSelector("code.hotkey"))
                .getAttribute("title")).isEqualTo(miner.hotkey());
            assertThat(mine).as("a checked quality of %s", miner.name()).anyMatch(row -> row
                .findElement(By.cssSelector("td[data-key='quality']")).getText()
                .matches("\\d\\.\\d{3}"));
            return true;
          });
        }
        wait.until(d -> d.findElement(By.id("miners-table")).getText()
            .contains("miner-1") && d.findElement(By.id("miners-table")).getText()
            .contains("miner-2"));

        // Sorting by clicking a header, and again to reverse.
        By nameHeader = By.cssSelector("#miners-table th[data-key='name'] button");
        By nameSort = By.cssSelector("#miners-table th[data-key='name']");
        wait.until(d -> {
          d.findElement(nameHeader).click();
          return true;
        });
        wait.until(ExpectedConditions.attributeToBe(nameSort, "aria-sort", "ascending"));
        wait.until(d -> firstMiner(d).equals("miner-1"));
        wait.until(d -> {
          d.findElement(nameHeader).click();
          return true;
        });
        wait.until(ExpectedConditions.attributeToBe(nameSort, "aria-sort", "descending"));
        wait.until(d -> firstMiner(d).equals("miner-2"));
        screenshot(browser, "dashboard.png");

        // A miner's own view, with its charts.
        MinerNode first = miners.stream().filter(m -> m.name().equals("miner-1")).findFirst()
            .orElseThrow();
        wait.until(d -> {
          d.findElement(By.linkText("miner-1")).click();
          return true;
        });
        wait.until(ExpectedConditions.textToBe(By.id("miner-hotkey"), first.hotkey()));
        wait.until(d -> !d.findElements(By.cssSelector("#miner-weight-chart svg path.line"))
            .isEmpty() && d.findElements(By.cssSelector("#miner-tasks tbody tr")).size() == 2);
        screenshot(browser, "dashboard-miner.png");

        // The task-weight editor: preview, then apply.
        browser.findElement(By.cssSelector("#nav a[data-view='task-weights']")).click();
        WebElement llm = wait.until(ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("input[data-task='" + LLM + "']")));
        WebElement emb = browser.findElement(By.cssSelector("input[data-task='" + EMB + "']"));
        WebElement apply = browser.findElement(By.id("apply-button"));
        assertThat(apply.isEnabled()).as("apply before a preview").isFalse();
        llm.clear();
        llm.sendKeys("0.8");
        emb.clear();
        emb.sendKeys("0.2");
        browser.findElement(By.id("preview-button")).click();
        By previewRows = By.cssSelector("#preview-table tbody tr[data-hotkey]");
        wait.until(ExpectedConditions.numberOfElementsToBe(previewRows, miners.size()));
        for (WebElement row : browser.findElements(previewRows)) {
          assertThat(row.findElement(By.cssSelector("td[data-key='after']")).getText())
              .matches("\\d\\.\\d{6}");
        }
        assertThat(json(call(devnet, "GET", "/admin/task-weights", admin, null))
            .path("weights").path(LLM).asDouble()).as("nothing applied by a preview")
            .isNotEqualTo(0.8);
        wait.until(ExpectedConditions.elementToBeClickable(apply)).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("apply-status"),
            "Applied"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(
            By.cssSelector("#changes-table tbody tr:first-child"), LLM + " 0.8000"));
        screenshot(browser, "dashboard-task-weights.png");

        // Applied and recorded, as the API tells it.
        JsonNode applied = json(call(devnet, "GET", "/admin/task-weights", admin, null));
        assertThat(applied.path("weights").path(LLM).asDouble()).isEqualTo(0.8);
        assertThat(applied.path("weights").path(EMB).asDouble()).isEqualTo(0.2);
        JsonNode change = json(call(devnet, "GET", "/admin/task-weights/changes?limit=1", admin,
            null)).path("changes").get(0);
        assertThat(change.path("source").asText()).startsWith("api:");
        assertThat(change.path("now").path(LLM).asDouble()).isEqualTo(0.8);
        JsonNode computed = json(call(devnet, "POST", "/admin/weights/compute", admin, ""));
        JsonNode newest = json(call(devnet, "GET", "/admin/weights/history?limit=1", admin, null))
            .path("history").get(0);
        assertThat(newest.path("computed_at").asLong())
            .isEqualTo(computed.path("computed_at").asLong());
        assertThat(newest.path("task_weights").path(LLM).asDouble()).isEqualTo(0.8);

        // The other views draw their charts.
        browser.findElement(By.cssSelector("#nav a[data-view='weights']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#weights-chart svg path.line")));
        screenshot(browser, "dashboard-weights.png");
        browser.findElement(By.cssSelector("#nav a[data-view='traffic']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#traffic-chart svg path.line, #traffic-chart svg circle")));
        screenshot(browser, "dashboard-traffic.png");
        browser.findElement(By.cssSelector("#nav a[data-view='keys']")).click();
        wait.until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#keys-table tbody tr[data-prefix]")));
        screenshot(browser, "dashboard-keys.png");

        List<String> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
            .filter(e -> e.getLevel().intValue() >= Level.WARNING.intValue())
            .map(LogEntry::getMessage).toList();
        assertThat(problems).as("the browser's console (CSP violations, script errors)")
            .isEmpty();
      } finally {
        browser.quit();
      }
    }
  }

  /** Headless Chromium through the system's chromedriver; Selenium Manager is never asked. */
  private static WebDriver chromium() {
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
        "--disable-gpu", "--window-size=1400,1000", "--no-first-run",
        "--disable-background-networking", "--disable-component-update",
        "--disable-default-apps", "--disable-sync");
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    return new ChromeDriver(service, options);
  }

  private static String firstMiner(WebDriver browser) {
    return browser.findElement(By.cssSelector("#miners-table tbody tr:first-child a.miner-link"))
        .getText();
  }

  private static void screenshot(WebDriver browser, String name) throws Exception {
    File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", name);
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  private static String base(Devnet devnet) {
    return devnet.info().baseUrl().replace("/v1", "");
  }

  private static JsonNode json(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
    return Json.MAPPER.readTree(response.body());
  }

  private static HttpResponse<String> call(Devnet devnet, String method, String path, String key,
      String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base(devnet) + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      request.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}
