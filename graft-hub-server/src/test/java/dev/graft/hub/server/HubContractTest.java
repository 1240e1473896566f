package dev.graft.hub.server;

import static dev.graft.hub.server.TestHub.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.graft.GraftException;
import dev.graft.hub.ModelCard;
import dev.graft.hub.RepoPaths;
import dev.graft.hub.protocol.HubProtocolException;
import dev.graft.hub.protocol.RepoId;
import dev.graft.hub.protocol.RepoType;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The client's checks and the server's answers agree: the same repository names, file paths and cards
 * go through the client ({@code graft-hub}'s {@link RepoPaths} and {@link ModelCard}, before anything is
 * sent) and through this server's HTTP create and commit. What the client accepts the server does not
 * refuse with 400, and what the client refuses the server refuses too.
 */
class HubContractTest {
    @RegisterExtension
    static final TestHub hub = TestHub.perClass();
    private static String alice;

    @BeforeAll
    static void createTwoRepositories() throws Exception {
        alice = hub.token("alice", true);
        for (String repo : List.of("alice/pub", "alice/contract")) {
            hub.createRepo(alice, repo, "model", false);
        }
    }

    static final List<String> VALID_NAMES = List.of("alice/tiny-resnet", "alice/mnist-resnet_v1.2", "alice/_private", "alice/x_",
            "alice/7", "alice/" + "n".repeat(96), "ALICE/pub", "bob-2/m.v2", "a.b/c");
    static final List<String> INVALID_NAMES = List.of("alice/a--b", "alice/model-", "alice/-model", "alice/.hidden", "alice/x.",
            "alice/a..b", "api/x", "Models/x", "static/x", "alice/x.git", "alice/X.GIT", "alice/" + "n".repeat(97),
            "n".repeat(97) + "/x", "a/b/c", "al ice/x", "alice/", "/x", "alice/caf\u00e9", "alice/a+b", "alice/x\ny");

    private static boolean clientAcceptsName(String id) {
        try {
            RepoPaths.checkNewRepoId(id);
            return true;
        } catch (GraftException e) {
            return false;
        }
    }

    @Test
    void repositoryNamesAgree() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (String id : concat(VALID_NAMES, INVALID_NAMES)) {
            boolean client = clientAcceptsName(id);
            // The full id in "name", as a Hub client may send it: the server parses it with the same rule.
            HttpResponse<byte[]> r = hub.postJson("/api/repos/create", alice, Map.of("name", id, "type", "model"));
            boolean server = r.statusCode() != 400; // 403 (another's namespace) and 409 (taken) are not about the name
            if (client != server || client != VALID_NAMES.contains(id)) {
                disagreements.add(id + ": client " + (client ? "accepts" : "refuses") + ", server " + r.statusCode() + " " + text(r));
            }
            if (client && id.startsWith("alice/")) {
                assertEquals(200, r.statusCode(), id + ": " + text(r));
            }
        }
        assertEquals(List.of(), disagreements);
        assertThrows(GraftException.class, () -> RepoPaths.checkNewRepoId("alice"), "an id needs an owner to be created");
    }

    @Test
    void repositoryTypesAgree() throws Exception {
        for (String type : List.of("Model", "DATASET", "datasetz", " model")) {
            assertThrows(HubProtocolException.class, () -> RepoType.parse(type), type);
            assertEquals(400, hub.postJson("/api/repos/create", alice, Map.of("name", "typed", "type", type)).statusCode(), type);
        }
        assertEquals(RepoType.DATASET, RepoType.parse("datasets"));
        assertEquals(200, hub.postJson("/api/repos/create", alice, Map.of("name", "typed", "type", "dataset")).statusCode());
    }

    @Test
    void filePathsAgree() throws Exception {
        List<String> valid = List.of("a/b.txt", "README.md", "caf\u00e9.txt", "cafe\u0301.txt", "n".repeat(251) + ".txt", "sp ace/x.bin");
        List<String> invalid = List.of("../x", "a/../b", "a//b", "/etc/passwd", "a\\b", ".git/config", ".git", "a\u200Bb.txt",
                "evil\u202Etxt.exe", "c1\u0085.txt", "n".repeat(256), "\u00e9".repeat(128), "x/" + "y".repeat(1023), "tab\tname", "./a");
        List<String> disagreements = new ArrayList<>();
        for (String path : concat(valid, invalid)) {
            boolean client;
            try {
                RepoPaths.checkPathInRepo(path);
                client = true;
            } catch (GraftException e) {
                client = false;
            }
            HttpResponse<byte[]> r = hub.commit(alice, "models/alice/contract", "main", TestHub.header("path", null), TestHub.file(path, "x"));
            boolean server = r.statusCode() == 200;
            if (client != server || client != valid.contains(path)) {
                disagreements.add(shown(path) + ": client " + client + ", server " + r.statusCode() + " " + text(r));
            }
        }
        assertEquals(List.of(), disagreements);
    }

    static final List<String> VALID_CARDS = List.of(CardTest.CARD,
            "---\nlanguage: [en, de]\nmodel_name: tiny\nlicense_name: own\nlicense_link: LICENSE\nbase_model: [a/b, c/d]\n---\n", "# no front matter\n", "---\n---\nempty front matter\n",
            "---\r\nlicense: mit\r\ntags: vision\r\n---\r\nCRLF\r\n", "\uFEFF---\nlicense: mit\n---\n", "---\nunknown_field: {any: [thing]}\n---\n");

    static final List<String> INVALID_CARDS = List.of(
            "---\nmetrics:\n- {type: accuracy, value: 0.9}\n---\n",                       // metrics as objects: their values go in model-index
            "---\nlicense: [mit]\n---\n",
            "---\nlibrary_name: 3\n---\n",
            "---\nmodel_name: {a: b}\n---\n",
            "---\ntags: {a: 1}\n---\n",
            "---\ntags: [1, 2]\n---\n",
            "---\ndatasets: [[mnist]]\n---\n",
            "---\nmodel-index: {name: x}\n---\n",
            "---\nmodel-index:\n- name: x\n---\n",                                         // no results
            "---\nmodel-index:\n- results: []\n---\n",                                      // no name
            "---\nmodel-index:\n- name: x\n  results:\n  - task: {type: t}\n    dataset: {name: d}\n    metrics: [{type: acc}]\n---\n",
            "---\nmodel-index:\n- name: x\n  results:\n  - dataset: {name: d}\n    metrics: []\n---\n",
            "---\nlicense: mit\n",                                                          // never closed
            "---\ntags: [a, b\n---\n",                                                      // malformed YAML
            "---\n- a\n- b\n---\n",                                                         // not a mapping
            "---\nlicense: " + "l".repeat(201) + "\n---\n",
            "---\ntags: [" + "t".repeat(301) + "]\n---\n",
            "---\ntags: [" + String.join(", ", java.util.stream.IntStream.range(0, 1001).mapToObj(i -> "t" + i).toList()) + "]\n---\n",
            "---\nnotes: " + "x".repeat(256 * 1024) + "\n---\n");

    @Test
    void cardsAgree() throws Exception {
        List<String> disagreements = new ArrayList<>();
        for (String card : concat(VALID_CARDS, INVALID_CARDS)) {
            String clientAnswer;
            try {
                ModelCard.parse(card).validate();
                clientAnswer = null;
            } catch (GraftException e) {
                clientAnswer = e.getMessage();
            }
            HttpResponse<byte[]> r = hub.commit(alice, "models/alice/contract", "main", TestHub.header("card", null),
                    TestHub.file("README.md", card));
            boolean client = clientAnswer == null;
            if (client != (r.statusCode() == 200) || client != VALID_CARDS.contains(card)) {
                disagreements.add(shown(card) + ": client " + (client ? "accepts" : "refuses (" + clientAnswer + ")")
                        + ", server " + r.statusCode() + " " + text(r));
            }
            if (!client) {
                assertEquals(400, r.statusCode(), text(r));
                assertNotEquals("", text(r));
            }
        }
        assertEquals(List.of(), disagreements);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Short, one-line form of an input for a failure message. */
    private static String shown(String s) {
        return RepoId.printable(s.length() > 80 ? s.substring(0, 80) : s);
    }
}
