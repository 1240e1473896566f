package dev.graft.hub.server.card;

import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.ModelCardData;
import dev.graft.hub.server.HubError;
import java.util.List;
import java.util.Map;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * A model or data set card as the server serves it: the front matter, validated by the protocol's rules
 * ({@link ModelCardData}) so a wrong card is a clear 400 instead of a silently unindexed repository, and
 * the markdown body rendered as safe HTML.
 *
 * <pre>{@code
 * ModelCard card = ModelCard.parse("---\nlicense: mit\ntags: [vision]\n---\n# My model\n");
 * card.tags();        // [vision, license:mit]
 * card.html();        // <h1>My model</h1>
 * }</pre>
 */
public final class ModelCard {
    private static final List<org.commonmark.Extension> EXTENSIONS = List.of(org.commonmark.ext.gfm.tables.TablesExtension.create());
    private static final Parser MARKDOWN = Parser.builder().extensions(EXTENSIONS).build();
    // Raw HTML in a card is shown as text and unsafe link targets are dropped: cards come from users.
    private static final HtmlRenderer HTML = HtmlRenderer.builder().extensions(EXTENSIONS).escapeHtml(true).sanitizeUrls(true).build();

    private final ModelCardData card;

    private ModelCard(ModelCardData card) {
        this.card = card;
    }

    /** An empty card (no README). */
    public static ModelCard empty() {
        return new ModelCard(ModelCardData.empty());
    }

    /** Parses and validates a README; 400 with the field and the fix when the front matter is wrong. */
    public static ModelCard parse(String readme) {
        try {
            return new ModelCard(ModelCardData.parse(readme));
        } catch (HubProtocolException e) {
            throw HubError.of(e);
        }
    }

    /** The front matter (empty when there is none). */
    public Map<String, Object> data() {
        return card.data();
    }

    /** The front matter as JSON. */
    public String dataJson() {
        return card.dataJson();
    }

    /** The markdown after the front matter. */
    public String body() {
        return card.body();
    }

    /** A text field, or {@code null}. */
    public String string(String key) {
        return card.string(key);
    }

    /** A text-or-list field as a list. */
    public List<String> list(String key) {
        return card.list(key);
    }

    /** Tags used by listing filters ({@link ModelCardData#filterTags}). */
    public List<String> tags() {
        return card.filterTags();
    }

    /** The markdown body rendered as safe HTML. */
    public String html() {
        return HTML.render(MARKDOWN.parse(card.body()));
    }
}
