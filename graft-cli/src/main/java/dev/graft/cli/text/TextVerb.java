package dev.graft.cli.text;

import dev.graft.cli.PrintingVerb;
import picocli.CommandLine.Mixin;

/** A text verb: it takes the text model to use ({@code --model}) and prints through picocli's writer. */
abstract class TextVerb extends PrintingVerb {
    @Mixin
    TextModelOption textModel;
}
