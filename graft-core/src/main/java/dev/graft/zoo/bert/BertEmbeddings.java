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
 * {@code pad_token_id + 1}. With a prompt ({@link dev.graft.zoo.nn.PromptTunable}) its n rows stand
 * before the word embeddings, as transformers' {@code inputs_embeds} with PEFT's prompt tuning: token
 * type 0 for them, positions 0..n+L-1 (RoBERTa: from {@code pad_token_id + 1} over all n + L, as
 * {@code create_position_ids_from_inputs_embeds}), so the output is B x (n + L) x H.
 */
final class BertEmbeddings extends BertModule {
    private final BertConfig cfg;
    private final Parameter word;
    private final Parameter position;
    private final Parameter tokenType;
    private final Parameter[] norm;
    /** Virtual tokens in front of the word embeddings (prompt tuning), or null. */
    Parameter prompt;

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
        NDArray x = Embedding.embedding(ids, value(ps, word, ids, training), SparseFormat.DENSE).singletonOrThrow();
        if (prompt != null) {
            x = dev.graft.zoo.nn.PromptTunable.prepend(prompt, ps, x, training);
            NDArray zeros = types.getManager().zeros(new Shape(types.getShape().get(0), prompt.getArray().getShape().get(0)), types.getDataType());
            types = zeros.concat(types, 1);
        }
        long length = x.getShape().get(1);
        NDArray positions;
        if (prompt != null && cfg.isRoberta()) {
            positions = ids.getManager().arange(cfg.padTokenId() + 1, cfg.padTokenId() + 1 + (int) length, 1, DataType.INT64);
        } else if (cfg.isRoberta()) {
            // RoBERTa numbers the tokens from pad_token_id + 1 and gives padding the padding row.
            NDArray tokens = ids.neq(cfg.padTokenId()).toType(DataType.INT64, false);
            positions = tokens.cumSum(1).mul(tokens).add(cfg.padTokenId());
        } else {
            positions = ids.getManager().arange(0, (int) length, 1, DataType.INT64);
        }
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
