package org.waldur.agent.auditor.apel;

import org.waldur.agent.auditor.record.Component;
import org.waldur.agent.auditor.record.Record;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One field of {@code summary_fields}: how a value of the APEL message is read from a record (auditor.md §5.2).
 * The YAML tag names the kind ({@code !ComponentField}, {@code !MetaField}, …). Values are Long, Double or
 * String, as Python would hold them, because they are printed with Python's {@code str()}.
 *
 * <p>Where AUDITOR raises and aborts the whole month (a component or score missing from one record), these throw
 * {@link MissingValue}, and the publisher skips that record and counts it.
 */
public sealed interface Field {

    Object value(Record r);

    /** A record lacks what a field needs: the record is left out of the message and counted. */
    final class MissingValue extends RuntimeException {
        public MissingValue(String message) {
            super(message, null, false, false);
        }
    }

    /** Amount of the first component of that name; with divide_by, Python's round (half to even) of the quotient. */
    record ComponentField(String name, Long divideBy) implements Field {
        @Override
        public Object value(Record r) {
            Component c = r.component(name);
            if (c == null) {
                throw new MissingValue("record " + r.recordId() + " has no component " + name);
            }
            if (divideBy == null) {
                return c.amount();
            }
            return (long) Math.rint((double) c.amount() / divideBy);
        }
    }

    /**
     * First value of a meta key; with a regex (Java syntax, which matches Python's for the lookarounds the docs
     * use) the first match anywhere; with function vo_mapping the value of the first prefix that matches.
     * AUDITOR writes the string {@code None} when the key, match or mapping is missing; so does this, because
     * APEL groups by it and a site's history already holds those lines.
     */
    record MetaField(String name, Pattern regex, String function, Map<String, String> parameters) implements Field {
        @Override
        public Object value(Record r) {
            List<String> values = r.metaValues(name);
            if (values.isEmpty()) {
                return "None";
            }
            String v = values.get(0);
            if (regex != null) {
                Matcher m = regex.matcher(v);
                return m.find() ? m.group() : "None";
            }
            if ("vo_mapping".equals(function)) {
                for (Map.Entry<String, String> e : parameters.entrySet()) {
                    if (v.startsWith(e.getKey())) {
                        return e.getValue();
                    }
                }
                return "None";
            }
            return v;
        }
    }

    record ConstantField(Object constant) implements Field {
        @Override
        public Object value(Record r) {
            return constant;
        }
    }

    /** The first score of that name in the first component of that name. */
    record ScoreField(String name, String componentName) implements Field {
        @Override
        public Object value(Record r) {
            Component c = r.component(componentName);
            if (c == null) {
                throw new MissingValue("record " + r.recordId() + " has no component " + componentName);
            }
            Double v = c.score(name);
            if (v == null) {
                throw new MissingValue("record " + r.recordId() + " has no score " + name + " in component " + componentName);
            }
            return v;
        }
    }

    /** An attribute of the record: runtime, record_id, start_time or stop_time (epoch seconds). */
    record RecordField(String name) implements Field {
        @Override
        public Object value(Record r) {
            return switch (name) {
                case "runtime" -> {
                    if (r.runtime() == null) {
                        throw new MissingValue("record " + r.recordId() + " has no runtime");
                    }
                    yield r.runtime();
                }
                case "record_id" -> r.recordId();
                case "start_time" -> r.startTime() == null ? "None" : (Object) r.startTime().getEpochSecond();
                case "stop_time" -> r.stopTime() == null ? "None" : (Object) r.stopTime().getEpochSecond();
                default -> throw new IllegalStateException("unsupported record attribute " + name);
            };
        }
    }

    /** round(base × score), Python's round: half to even ({@code 3601 × 10.5 = 37810.5 → 37810}). */
    record NormalisedField(Field base, ScoreField score) implements Field {
        @Override
        public Object value(Record r) {
            Object b = base.value(r);
            if (!(b instanceof Number n)) {
                throw new MissingValue("record " + r.recordId() + ": base value '" + b + "' is not a number");
            }
            return (long) Math.rint(n.doubleValue() * (Double) score.value(r));
        }
    }
}
