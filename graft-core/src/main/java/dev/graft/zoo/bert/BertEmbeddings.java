package dev.graft.zoo.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.Map;

/**
 * {@code embeddings}: word + position + token-type embeddings, LayerNorm, dropout. In: ids, type ids
 * (B x L). Positions are 0..L-1 (BERT) or, for RoBERTa, counted over the non-padding tokens from
 * {@code pad_token_id + 1}.
 */
final class BertEmbeddings extends BertModule {
    private final BertConfig cfg;
    private final Parameter word;
    private final Parameter position;
    private final Parameter tokenType;
    private final Parameter[] norm;

    BertEmbeddings(BertConfig cfg, Map<String, Parameter> stateDict) {
        super(stateDict);
        this.cfg = cfg;
        word = add("embeddings.word_embeddings.weight", Parameter.Type.WEIGHT,
                new Shape(cfg.vocabSize(), cfg.hiddenSize()), new NormalInitializer(0.02f));
        position = add("embeddings.position_embeddings.weight", Parameter.Type.WEIGHT,
                new Shape(cfg.maxPositionEmbeddings(), cfg.hiddenSize()), new NormalInitializer(0.02f));
        // DistilBERT has no segment embeddings.
        tokenType = cfg.isDistilBert() ? null : add("embeddings.token_type_embeddings.weight", Parameter.Type.WEIGHT,
                new Shape(cfg.typeVocabSize(), cfg.hiddenSize()), new NormalInitializer(0.02f));
        norm = layerNorm("embeddings.LayerNorm", cfg.hiddenSize());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray ids = inputs.get(0);
        NDArray types = inputs.get(1);
        long length = ids.getShape().get(1);
        NDArray positions;
        if (cfg.isRoberta()) {
            // RoBERTa numbers the tokens from pad_token_id + 1 and gives padding the padding row.
            NDArray tokens = ids.neq(cfg.padTokenId()).toType(DataType.INT64, false);
            positions = tokens.cumSum(1).mul(tokens).add(cfg.padTokenId());
        } else {
            positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64);
        }
        NDArray x = Embedding.embedding(ids, value(ps, word, ids, training), SparseFormat.DENSE).singletonOrThrow();
        if (tokenType != null) {
            x = x.add(Embedding.embedding(types, value(ps, tokenType, ids, training), SparseFormat.DENSE).singletonOrThrow());
        }
        x = x.add(Embedding.embedding(positions, value(ps, position, ids, training), SparseFormat.DENSE).singletonOrThrow());
        x = LayerNorm.layerNorm(x, new Shape(cfg.hiddenSize()), value(ps, norm[0], ids, training),
                value(ps, norm[1], ids, training), (float) cfg.layerNormEps()).singletonOrThrow();
        return new NDList(Dropout.dropout(x, (float) cfg.hiddenDropoutProb(), training).singletonOrThrow());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {inputShapes[0].add(cfg.hiddenSize())};
    }
}
