package dev.graft.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import dev.graft.zoo.FeatureInfo;
import dev.graft.zoo.GraftModel;
import dev.graft.zoo.ParamGroup;
import dev.graft.zoo.PretrainedCfg;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** A model seen through another configuration (normalisation, labels, tag) — used when pretraining under a new tag. */
final class InputOverride implements GraftModel {
    private final GraftModel inner;
    private final PretrainedCfg cfg;

    InputOverride(GraftModel inner, PretrainedCfg cfg) {
        this.inner = inner;
        this.cfg = cfg;
    }

    @Override public String name() { return cfg.name(); }
    @Override public PretrainedCfg cfg() { return cfg.withNumClasses(inner.numClasses(), cfg.numClasses() == inner.numClasses() ? cfg.labelNames() : null); }
    @Override public Block block() { return inner.block(); }
    @Override public java.nio.file.Path weightsDir() { return inner.weightsDir(); }
    @Override public NDArray forwardFeatures(ParameterStore ps, NDArray x, boolean training) { return inner.forwardFeatures(ps, x, training); }
    @Override public NDArray forwardHead(ParameterStore ps, NDArray f, boolean training, boolean preLogits) { return inner.forwardHead(ps, f, training, preLogits); }
    @Override public NDList forwardIntermediates(ParameterStore ps, NDArray x, int[] idx, boolean training) { return inner.forwardIntermediates(ps, x, idx, training); }
    @Override public void resetClassifier(int numClasses) { inner.resetClassifier(numClasses); }
    @Override public int numClasses() { return inner.numClasses(); }
    @Override public int numFeatures() { return inner.numFeatures(); }
    @Override public List<ParamGroup> groupMatcher() { return inner.groupMatcher(); }
    @Override public List<FeatureInfo> featureInfo() { return inner.featureInfo(); }
    @Override public Map<String, Parameter> stateDict() { return inner.stateDict(); }
    @Override public void freezeBatchNorm(Predicate<String> moduleName) { inner.freezeBatchNorm(moduleName); }
}
