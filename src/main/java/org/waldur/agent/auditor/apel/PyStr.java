package org.waldur.agent.auditor.apel;

import java.math.BigDecimal;

/**
 * Python's {@code str()} of the values an APEL message holds, because AUDITOR's messages print them that way:
 * integers plain, floats in their shortest repr ({@code 37810.0}, {@code 1772449201.5}, {@code 1e+16}), text
 * as it is. APEL parses these lines; the text must not change when a site swaps AUDITOR's plugin for this one.
 */
final class PyStr {
    private PyStr() {
    }

    static String of(Object v) {
        if (v instanceof Double d) {
            return floatRepr(d);
        }
        if (v instanceof Float f) {
            return floatRepr(f.doubleValue());
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        return String.valueOf(v);
    }

    static String floatRepr(double d) {
        if (Double.isNaN(d)) {
            return "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0.0" : "0.0";
        }
        // Java's Double.toString gives the shortest digits that round-trip, as Python's repr does; only the layout differs.
        BigDecimal shortest = new BigDecimal(Double.toString(d));
        double abs = Math.abs(d);
        if (abs >= 1e-4 && abs < 1e16) {
            String plain = shortest.stripTrailingZeros().toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        BigDecimal unscaled = shortest.stripTrailingZeros();
        int exponent = unscaled.precision() - unscaled.scale() - 1;
        String digits = unscaled.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (d < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
