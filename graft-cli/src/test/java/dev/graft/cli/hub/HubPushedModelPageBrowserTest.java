package dev.graft.cli.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.cli.CliRun;
import dev.graft.cli.ClientEnv;
import dev.graft.cli.TestHubServer;
import dev.graft.hub.server.web.HeadlessChromium;
import dev.graft.zoo.CreateOptions;
import dev.graft.zoo.ModelBase;
import dev.graft.zoo.Weights;
import dev.graft.zoo.Zoo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A model published with {@code graft hub push}, seen in a real headless browser (Debian chromium and
 * chromium-driver): the page's "how to use" snippets, copied as they are, pull the model from this
 * server, on the command line and in Java.
 */
class HubPushedModelPageBrowserTest {
    @Test
    void snippetsOnThePageOfAPushedModelPullIt(@TempDir Path tmp) throws Exception {
        HeadlessChromium.assumeInstalled();
        try (TestHubServer server = TestHubServer.start(tmp.resolve("server"))) {
            String token = server.token("alice", true);
            ModelBase trained = (ModelBase) Zoo.create("small_cnn", CreateOptions.defaults().withSeed(7));
            Path export = tmp.resolve("export");
            Weights.save(trained, export);
            Files.writeString(export.resolve("README.md"), "---\nlicense: mit\nlibrary_name: graft\ntags: [image-classification]\n---\n"
                    + "# Small CNN\n\nFine-tuned with **graft**.\n");
            String cli;
            String java;
            try (ClientEnv env = ClientEnv.of(tmp.resolve("publisher"), server.url(), null)) {
                assertEquals(0, CliRun.run("hub", "login", "--token", token).code);
                CliRun push = CliRun.run("hub", "push", export.toString(), "alice/small-cnn", "-m", "Fine-tuned");
                assertEquals(0, push.code, push.err);
            }

            WebDriver driver = HeadlessChromium.open(tmp.resolve("chromium-profile"));
            try {
                driver.get(server.url() + "/models?search=small-cnn");
                driver.findElement(By.linkText("alice/small-cnn")).click();
                new WebDriverWait(driver, Duration.ofSeconds(30))
                        .until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#card article h1")));
                assertEquals("Small CNN", driver.findElement(By.cssSelector("#card article h1")).getText());
                cli = driver.findElement(By.id("usage-cli")).getText();
                java = driver.findElement(By.id("usage-java")).getText();
                Path shot = Path.of("target", "hub-pushed-model-page.png");
                Files.createDirectories(shot.getParent());
                Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                driver.quit();
            }
            assertEquals("GRAFT_ENDPOINT=" + server.url() + " ./graft hub pull alice/small-cnn", cli);
            assertEquals("System.setProperty(\"graft.endpoint\", \"" + server.url() + "\"); // or set GRAFT_ENDPOINT\n"
                    + "GraftModel model = Zoo.create(\"hf-hub:alice/small-cnn\");", java);

            // Follow the command-line snippet: its endpoint and arguments, from an empty cache.
            Matcher m = Pattern.compile("GRAFT_ENDPOINT=(\\S+) \\./graft (hub pull \\S+)").matcher(cli);
            assertTrue(m.matches(), cli);
            try (ClientEnv env = ClientEnv.of(tmp.resolve("cli-user"), m.group(1), null)) {
                CliRun pull = CliRun.run(m.group(2).split(" "));
                assertEquals(0, pull.code, pull.err);
                assertTrue(Files.exists(Path.of(pull.out.strip()).resolve("model.safetensors")), pull.out);
            }
            // Follow the Java snippet the same way.
            Matcher j = Pattern.compile("System\\.setProperty\\(\"graft\\.endpoint\", \"(\\S+)\"\\);.*\\n"
                    + "GraftModel model = Zoo\\.create\\(\"(\\S+)\"\\);").matcher(java);
            assertTrue(j.matches(), java);
            try (ClientEnv env = ClientEnv.of(tmp.resolve("java-user"), j.group(1), null)) {
                assertEquals("small_cnn", Zoo.create(j.group(2)).cfg().architecture());
            }
        }
    }
}
