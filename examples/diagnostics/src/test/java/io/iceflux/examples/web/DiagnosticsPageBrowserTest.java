package io.iceflux.examples.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.iceflux.testkit.TestTurnServer;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The page at {@code /} in real headless Chromium: gathers the demo servers on both sides and checks the rows each
 * side shows. Needs {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} (Debian: {@code apt-get install -y
 * chromium chromium-driver}); without them it fails, unless {@code -Diceflux.browserTests=false} skips it.
 */
class DiagnosticsPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    /** A STUN URL whose host lookup fails at once in both gatherers (RFC 6761: {@code .invalid} never resolves). */
    private static final String UNRESOLVABLE = "stun:unreachable.invalid";
    /** Selenium reports through java.util.logging; kept here so the level holds. */
    private static final Logger SELENIUM_LOG = Logger.getLogger("org.openqa.selenium");

    private DiagnosticsTestApplication app;
    private DemoServers demo;
    private GatherHandler handler;

    @TempDir
    Path profile;

    private WebDriver driver;

    private record Row(String source, String kind, String candidateType, String errorCode, String url,
                       List<String> cells) {
        String protocol() {
            return cells.get(2);
        }

        String address() {
            return cells.get(3);
        }

        String text() {
            return cells.get(7);
        }
    }

    @BeforeEach
    void startChromium() {
        assumeTrue(!"false".equals(System.getProperty("iceflux.browserTests")),
                "browser tests switched off with -Diceflux.browserTests=false");
        File chromium = new File(System.getProperty("iceflux.chromium", "/usr/bin/chromium"));
        File chromedriver = new File(System.getProperty("iceflux.chromedriver", "/usr/bin/chromedriver"));
        for (File executable : List.of(chromium, chromedriver)) {
            if (!executable.canExecute()) {
                fail("could not launch " + executable + " (are Chromium and its driver installed? "
                        + "apt-get install -y chromium chromium-driver; or skip the browser tests with "
                        + "-Diceflux.browserTests=false)");
            }
        }
        app = DiagnosticsTestApplication.get();
        demo = app.demo();
        handler = app.handler();
        SELENIUM_LOG.setLevel(Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--allow-loopback-in-peer-connection",
                "--disable-features=WebRtcHideLocalIpsWithMdns", "--window-size=1600,1600");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver)
                .usingAnyFreePort().build();
        driver = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopChromium() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void thePageShowsWhatIceFluxAndTheBrowserGatherForTheSameServers() throws IOException {
        TestTurnServer server = demo.server();
        driver.get(app.baseUrl() + "/");
        WebDriverWait wait = new WebDriverWait(driver, WAIT);
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));

        assertThat(driver.findElement(By.id("mode")).getAttribute("data-demo")).isEqualTo("true");
        assertThat(driver.findElements(By.cssSelector("#servers tbody tr")))
                .extracting(row -> row.getAttribute("data-url"))
                .containsExactly(server.stunUrl(), server.turnUdpUrl(), server.turnTcpUrl(), demo.deadUrl());
        // Chromium waits about 40 s for the silent port; a name that cannot resolve fails at once on both sides.
        List<WebElement> remove = driver.findElements(By.cssSelector("#servers tbody tr button"));
        remove.get(remove.size() - 1).click();
        driver.findElement(By.id("new-url")).sendKeys(UNRESOLVABLE);
        driver.findElement(By.id("add-server")).click();
        assertThat(driver.findElements(By.cssSelector("#servers tbody tr")))
                .extracting(row -> row.getAttribute("data-url"))
                .containsExactly(server.stunUrl(), server.turnUdpUrl(), server.turnTcpUrl(), UNRESOLVABLE);

        driver.findElement(By.id("gather")).click();
        wait.until(d -> "true".equals(d.findElement(By.id("iceflux-verdict")).getAttribute("data-done"))
                && "true".equals(d.findElement(By.id("browser-verdict")).getAttribute("data-done")));
        Path screenshot = Path.of("target", "diagnostics-page.png");
        Files.createDirectories(screenshot.getParent());
        Files.write(screenshot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));

        List<Row> iceflux = rows("iceflux");
        assertThat(iceflux).filteredOn(r -> r.kind().equals("state")).extracting(Row::text)
                .containsExactly("gathering (generation 0)", "complete (generation 0)");
        assertThat(iceflux).filteredOn(r -> r.kind().equals("end-of-candidates")).hasSize(1);
        assertThat(iceflux).filteredOn(r -> r.kind().equals("candidate"))
                .extracting(r -> r.candidateType() + " " + r.protocol() + " " + r.address() + " " + r.url())
                .containsExactlyInAnyOrder("host udp 127.0.0.1 null",
                        "srflx udp 127.0.0.1 " + server.stunUrl(),
                        "srflx udp 127.0.0.1 " + server.turnUdpUrl(),
                        "relay udp 127.0.0.1 " + server.turnUdpUrl());
        assertThat(iceflux).filteredOn(r -> r.kind().equals("error"))
                .extracting(r -> r.errorCode() + " " + r.url() + " " + r.text())
                .containsExactlyInAnyOrder("401 " + server.turnTcpUrl() + " Unauthorized",
                        "701 " + UNRESOLVABLE + " STUN host lookup received error.");
        assertThat(iceflux.get(0).kind()).isEqualTo("state");
        assertThat(iceflux.get(iceflux.size() - 1).text()).isEqualTo("complete (generation 0)");
        WebElement icefluxVerdict = driver.findElement(By.id("iceflux-verdict"));
        assertThat(icefluxVerdict.getAttribute("data-ok")).isEqualTo("false");
        assertThat(icefluxVerdict.getText()).matches("Done after \\d+ ms: 2 of 4 server URL\\(s\\) did not give what "
                + "the URL promises \\(see below; the others are not affected\\)\\.");
        assertThat(driver.findElements(By.cssSelector("#iceflux-server-verdicts li")))
                .extracting(li -> li.getAttribute("data-url") + " " + li.getAttribute("data-ok"))
                .containsExactly(server.stunUrl() + " true", server.turnUdpUrl() + " true",
                        server.turnTcpUrl() + " false", UNRESOLVABLE + " false");

        // What Chromium reports for the same servers: host candidates of its own interfaces (it does not gather on
        // loopback), one srflx (it drops the TURN URL's equal one), the relay, the 401 with "Unauthorized." and a
        // 701 per address family with the URL rebuilt with its default port.
        List<Row> browser = rows("browser");
        assertThat(browser.get(0).kind()).isEqualTo("state");
        assertThat(browser.get(0).text()).isEqualTo("gathering");
        assertThat(browser).filteredOn(r -> r.kind().equals("state")).extracting(Row::text).contains("complete");
        assertThat(browser).filteredOn(r -> r.kind().equals("end-of-candidates")).hasSize(1);
        assertThat(browser).filteredOn(r -> "host".equals(r.candidateType())).isNotEmpty()
                .allSatisfy(r -> assertThat(r.url()).isNull());
        assertThat(browser).filteredOn(r -> "srflx".equals(r.candidateType()))
                .extracting(r -> r.protocol() + " " + r.address() + " " + r.url())
                .containsExactly("udp 127.0.0.1 " + server.stunUrl());
        assertThat(browser).filteredOn(r -> "relay".equals(r.candidateType()))
                .extracting(r -> r.protocol() + " " + r.address() + " " + r.url())
                .containsExactly("udp 127.0.0.1 " + server.turnUdpUrl());
        List<Row> browserErrors = browser.stream().filter(r -> r.kind().equals("error")).toList();
        assertThat(browserErrors).filteredOn(r -> "401".equals(r.errorCode()))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.url() + " " + r.text())
                        .isEqualTo(server.turnTcpUrl() + " Unauthorized."));
        assertThat(browserErrors).filteredOn(r -> "701".equals(r.errorCode()))
                .isNotEmpty()
                .allSatisfy(r -> assertThat(r.url() + " " + r.text())
                        .isEqualTo(UNRESOLVABLE + ":3478 STUN host lookup received error."));
        assertThat(browserErrors).allSatisfy(r -> assertThat(r.errorCode()).isIn("401", "701"));
        WebElement browserVerdict = driver.findElement(By.id("browser-verdict"));
        assertThat(browserVerdict.getAttribute("data-ok")).isEqualTo("false");
        assertThat(browserVerdict.getText()).startsWith("Complete after ")
                .contains("1 srflx, 1 relay; " + browserErrors.size() + " error(s): ");

        driver.quit();
        driver = null;
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> handler.runningGatherings() == 0);
        server.awaitAllocationsAlive(0, WAIT);
    }

    private List<Row> rows(String source) {
        return driver.findElements(By.cssSelector("tr[data-source='" + source + "']")).stream()
                .map(tr -> new Row(tr.getAttribute("data-source"), tr.getAttribute("data-kind"),
                        tr.getAttribute("data-candidate-type"), tr.getAttribute("data-error-code"),
                        tr.getAttribute("data-url"),
                        tr.findElements(By.tagName("td")).stream().map(WebElement::getText).toList()))
                .toList();
    }
}
