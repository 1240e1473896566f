package dev.graft.util;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * timm's {@code _natural_key} order: digit runs compare as numbers, the rest case-insensitively, so
 * {@code resnet18} comes before {@code resnet101}.
 *
 * <pre>{@code
 * names.sort(NaturalOrder.COMPARATOR);
 * }</pre>
 */
public final class NaturalOrder {
    private NaturalOrder() {}

    private static final Pattern DIGITS = Pattern.compile("\\d+");

    /** The natural order; strings with equal keys fall back to their plain order. */
    public static final Comparator<String> COMPARATOR = (a, b) -> {
        List<Object> ka = key(a);
        List<Object> kb = key(b);
        for (int i = 0; i < Math.min(ka.size(), kb.size()); i++) {
            Object x = ka.get(i);
            Object y = kb.get(i);
            int c;
            if (x instanceof BigInteger bx && y instanceof BigInteger by) {
                c = bx.compareTo(by);
            } else if (x instanceof BigInteger) {
                c = -1;
            } else if (y instanceof BigInteger) {
                c = 1;
            } else {
                c = ((String) x).compareTo((String) y);
            }
            if (c != 0) {
                return c;
            }
        }
        int c = Integer.compare(ka.size(), kb.size());
        return c != 0 ? c : a.compareTo(b);
    };

    private static List<Object> key(String s) {
        List<Object> key = new ArrayList<>();
        String low = s.toLowerCase(Locale.ROOT);
        Matcher m = DIGITS.matcher(low);
        int last = 0;
        while (m.find()) {
            key.add(low.substring(last, m.start()));
            key.add(new BigInteger(m.group()));
            last = m.end();
        }
        key.add(low.substring(last));
        return key;
    }
}
