package dev.graft.onnx;

import java.util.List;

/**
 * One ONNX {@code NodeProto}: an operator with its named inputs and outputs.
 *
 * @param name node name (may be empty)
 * @param opType operator, e.g. {@code MatMul}, {@code Add}
 * @param inputs input tensor names, in order
 * @param outputs output tensor names, in order
 */
public record OnnxNode(String name, String opType, List<String> inputs, List<String> outputs) {
    public OnnxNode {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }
}
