package dev.graft.hub.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import dev.graft.hub.server.HubLimits;
import dev.graft.hub.server.HubServer;
import dev.graft.hub.server.HubService;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

/**
 * A data set's page in a real headless Chromium, as the Hub's data viewer shows one: the split sizes, the
 * features and the first rows, images as thumbnails the browser decodes and texts as text.
 */
class DatasetPageBrowserTest {
    @Test
    void theDataSetPageShowsSplitSizesFeaturesAndAPreviewOfTheFirstRows(@TempDir Path dir) throws Exception {
        HeadlessChromium.assumeInstalled();
        try (HubServer server = HubServer.start(new HubServer.Config("127.0.0.1", 0, dir.resolve("hub"), null, HubLimits.defaults()))) {
            HubService hub = server.hub();
            RepoId digits = RepoId.of(RepoType.DATASET, "bob/digits");
            DatasetFixture.digits(hub, digits, Files.createDirectories(dir.resolve("parquet")));
            RepoId topics = RepoId.of(RepoType.DATASET, "bob/topics");
            hub.store().create(topics, false, "bob");
            DatasetFixture.commit(hub, topics, "train.jsonl", ("{\"text\": \"a <b>cat</b>\", \"label\": \"animal\"}\n"
                    + "{\"text\": \"a saw\", \"label\": \"tool\"}\n{\"text\": \"a dog\", \"label\": \"animal\"}\n").getBytes(StandardCharsets.UTF_8));
            DatasetFixture.commit(hub, topics, "test.jsonl", "{\"text\": \"an axe\", \"label\": \"tool\"}\n".getBytes(StandardCharsets.UTF_8));

            WebDriver driver = HeadlessChromium.open(dir.resolve("chromium-profile"));
            try {
                driver.get(server.url() + "/datasets/bob/digits");
                List<String> splits = driver.findElements(By.cssSelector("#splits tbody tr")).stream().map(WebElement::getText).toList();
                assertEquals(List.of("default train 6 1", "default test 4 1"), splits);
                assertEquals("image image\nlabel class_label (even, odd)", driver.findElement(By.id("features")).getText());
                List<String> header = driver.findElements(By.cssSelector("#preview thead th")).stream().map(WebElement::getText).toList();
                assertEquals(List.of("image", "label"), header);
                List<WebElement> thumbs = driver.findElements(By.cssSelector("#preview img.thumb"));
                assertEquals(6, thumbs.size(), "one thumbnail per train row");
                for (WebElement t : thumbs) {
                    // decoded by the browser: the PNG bytes of the Parquet row, 8 x 8
                    assertEquals(8L, ((JavascriptExecutor) driver).executeScript("return arguments[0].naturalWidth", t));
                }
                List<String> labels = driver.findElements(By.cssSelector("#preview tbody tr td:nth-child(2)")).stream().map(WebElement::getText).toList();
                assertEquals(List.of("0 (even)", "1 (odd)", "0 (even)", "1 (odd)", "0 (even)", "1 (odd)"), labels, "class labels by name");
                Path target = Path.of("target", "hub-dataset-page.png");
                Files.createDirectories(target.getParent());
                Files.copy(((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath(), target,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

                driver.get(server.url() + "/datasets/bob/topics");
                assertEquals(List.of("default train 3 1", "default test 1 1"),
                        driver.findElements(By.cssSelector("#splits tbody tr")).stream().map(WebElement::getText).toList());
                List<String> texts = driver.findElements(By.cssSelector("#preview tbody tr td:nth-child(1)")).stream().map(WebElement::getText).toList();
                assertEquals(List.of("a <b>cat</b>", "a saw", "a dog"), texts, "texts are shown as text, markup included");
                assertEquals(0, driver.findElements(By.cssSelector("#preview b")).size());
                assertTrue(driver.findElement(By.id("features")).getText().contains("text string"));
            } finally {
                driver.quit();
            }
        }
    }
}
