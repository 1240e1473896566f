package dev.graft.hub.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import dev.graft.hub.server.HubService;
import dev.graft.hub.server.store.CommitOp;
import dev.graft.hub.server.store.FileEntry;
import dev.graft.hub.server.store.Hashes;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web pages in a real headless Chromium (the Debian {@code chromium} and {@code chromium-driver}
 * packages; Selenium uses that driver and downloads nothing): search, filter by tag, open a
 * repository and see its rendered card, files, history and usage snippet.
 */
class WebPageBrowserTest {
    private static void commit(HubService hub, RepoId id, String path, String content) throws Exception {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        String sha = hub.store().blobs().put(data);
        hub.store().commit(id, "main", null, id.owner(), "add " + path, "", List.of(
                new CommitOp.Put(new FileEntry(path, data.length, sha, Hashes.gitBlobSha1(data), false))));
        hub.reindex(id);
    }

    @Test
    void searchFilterOpenRepositoryAndSeeItsCard(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeInstalled();
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, dir.resolve("hub"), null, HubLimits.defaults()))) {
            HubService hub = server.hub();
            RepoId resnet = RepoId.of(RepoType.MODEL, "alice/tiny-resnet");
            RepoId bert = RepoId.of(RepoType.MODEL, "alice/tiny-bert");
            RepoId digits = RepoId.of(RepoType.DATASET, "bob/digits");
            hub.store().create(resnet, false, "alice");
            hub.store().create(bert, false, "alice");
            hub.store().create(digits, false, "bob");
            commit(hub, resnet, "README.md", "---\nlicense: apache-2.0\nlibrary_name: graft\npipeline_tag: image-classification\n"
                    + "tags: [vision, resnet]\ndatasets: [mnist]\n---\n# Tiny ResNet\n\nA ResNet fine-tuned on **MNIST** digits.\n\n"
                    + "| split | accuracy |\n|---|---|\n| test | 0.98 |\n\n<img src=x onerror=alert(1)>\n");
            commit(hub, resnet, "config.json", "{\"architecture\": \"resnet18\", \"num_classes\": 10}");
            commit(hub, bert, "README.md", "---\nlicense: mit\ntags: [nlp]\n---\n# Tiny BERT\n");
            commit(hub, digits, "README.md", "---\nlicense: cc-by-4.0\ntags: [digits]\n---\n# Digits\n");

            WebDriver driver = HeadlessChromium.open(dir.resolve("chromium-profile"));
            try {
                WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(30));
                driver.get(server.url() + "/models");
                List<String> all = driver.findElements(By.cssSelector("#repo-list a.repo-link")).stream().map(WebElement::getText).toList();
                assertTrue(all.containsAll(List.of("alice/tiny-resnet", "alice/tiny-bert")), all.toString());
                assertFalse(all.contains("bob/digits"), "data sets are listed on their own page");

                WebElement search = driver.findElement(By.id("search"));
                search.sendKeys("resnet");
                search.submit();
                wait.until(ExpectedConditions.urlContains("search=resnet"));
                List<String> found = driver.findElements(By.cssSelector("#repo-list a.repo-link")).stream().map(WebElement::getText).toList();
                assertEquals(List.of("alice/tiny-resnet"), found);

                driver.get(server.url() + "/models");
                driver.findElement(By.cssSelector("#tag-filters a.tag[href*='tag=nlp']")).click();
                wait.until(ExpectedConditions.urlContains("tag=nlp"));
                assertEquals(List.of("alice/tiny-bert"),
                        driver.findElements(By.cssSelector("#repo-list a.repo-link")).stream().map(WebElement::getText).toList());

                driver.get(server.url() + "/models?search=tiny-resnet");
                driver.findElement(By.linkText("alice/tiny-resnet")).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#card article h1")));
                assertEquals("Tiny ResNet", driver.findElement(By.cssSelector("#card article h1")).getText());
                assertEquals("MNIST", driver.findElement(By.cssSelector("#card article strong")).getText());
                assertEquals(1, driver.findElements(By.cssSelector("#card article table")).size(), "markdown tables render");
                assertEquals(0, driver.findElements(By.cssSelector("#card article img")).size(), "raw HTML in a card stays text");
                String files = driver.findElement(By.id("files")).getText();
                assertTrue(files.contains("README.md") && files.contains("config.json"), files);
                String history = driver.findElement(By.id("history")).getText();
                assertTrue(history.contains("add config.json") && history.contains("add README.md"), history);
                assertEquals("GRAFT_ENDPOINT=" + server.url() + " ./graft hub pull alice/tiny-resnet", driver.findElement(By.id("usage-cli")).getText());
                // No safetensors weights here: not a Graft model, so the Java snippet fetches its files.
                assertTrue(driver.findElement(By.id("usage-java")).getText().contains("new Hub().snapshot(RepoType.MODEL, \"alice/tiny-resnet\", \"main\", List.of())"));
                driver.findElement(By.cssSelector("button.copy[data-copy='usage-cli']")).click();
                wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("button.copy[data-copy='usage-cli']"), "Copied"));

                File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
                Path target = Path.of("target", "hub-repo-page.png");
                Files.createDirectories(target.getParent());
                Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                driver.get(server.url() + "/models");
                Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), Path.of("target", "hub-list-page.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                driver.quit();
            }
        }
    }
}
