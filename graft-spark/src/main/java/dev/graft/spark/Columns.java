package dev.graft.spark;

import dev.graft.GraftException;
import java.util.Arrays;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/** The columns Graft's transforms read and write, and the checks that the input has them with the right types. */
public final class Columns {
    /** Texts, for {@link GraftSpark#embed}. */
    public static final String TEXT = "text";
    /** Image pixels in [0, 1], channels x height x width row-major, with {@link #CHANNELS}, {@link #HEIGHT} and {@link #WIDTH}. */
    public static final String PIXELS = "pixels";
    public static final String CHANNELS = "channels";
    public static final String HEIGHT = "height";
    public static final String WIDTH = "width";
    /** An image file's path (PNG, JPEG, BMP or GIF), the other way to give images. */
    public static final String IMAGE = "image";
    /** The class name of a labelled row (Graft data sets). */
    public static final String LABEL = "label";
    /** The class index of a labelled row (Graft data sets). */
    public static final String LABEL_INDEX = "label_index";
    /** Written by {@link GraftSpark#embed}: the unit-length sentence vector. */
    public static final String EMBEDDING = "embedding";
    /** Written by {@link GraftSpark#featurize}: the pooled pre-logits features. */
    public static final String FEATURES = "features";
    /** Written by {@link GraftSpark#predict}: the top label, its index and its probability. */
    public static final String PREDICTION = "prediction";
    public static final String PREDICTION_INDEX = "prediction_index";
    public static final String PROBABILITY = "probability";

    private Columns() {}

    /** Fails unless {@code schema} has a string column {@code name}. */
    static int requireString(StructType schema, String name, String what) {
        DataType t = require(schema, name, what);
        if (!t.equals(DataTypes.StringType)) {
            throw wrongType(name, t, "strings (" + what + ")", "cast it to a string column or name another with --column");
        }
        return schema.fieldIndex(name);
    }

    /** Fails unless {@code schema} has a numeric array column {@code name}. */
    static int requireNumberArray(StructType schema, String name, String what) {
        DataType t = require(schema, name, what);
        if (!(t instanceof ArrayType a) || !(a.elementType() instanceof NumericType)) {
            throw wrongType(name, t, "arrays of numbers (" + what + ")", "give " + name + " as array<float>");
        }
        return schema.fieldIndex(name);
    }

    /** Fails unless {@code schema} has an integer column {@code name}. */
    static int requireInt(StructType schema, String name, String what) {
        DataType t = require(schema, name, what);
        if (!(t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType))) {
            throw wrongType(name, t, "integers (" + what + ")", "cast it to int");
        }
        return schema.fieldIndex(name);
    }

    private static DataType require(StructType schema, String name, String what) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new GraftException("the input has no column '" + name + "' (" + what + "); its columns: " + String.join(", ", schema.fieldNames()),
                    "name the column with --column or rename it in the input");
        }
        return schema.apply(name).dataType();
    }

    private static GraftException wrongType(String name, DataType t, String want, String fix) {
        return new GraftException("column '" + name + "' is " + t.simpleString() + ", not " + want, fix);
    }
}
