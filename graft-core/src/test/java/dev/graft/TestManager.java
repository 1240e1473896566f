package dev.graft;

import ai.djl.ndarray.NDManager;
import dev.graft.engine.Engines;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One PyTorch {@link NDManager} for a whole test class: the engine is selected and the manager opened
 * before the first test, and closed after the last. A JUnit extension for a static field.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TestManager torch = new TestManager();
 * ... torch.nd().create(...) ...
 * }</pre>
 */
public final class TestManager implements BeforeAllCallback, AfterAllCallback {
    private NDManager nd;

    /** The class's manager; open between the first test and the last. */
    public NDManager nd() {
        return nd;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Engines.pytorch();
        nd = NDManager.newBaseManager();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        nd.close();
        nd = null;
    }
}
