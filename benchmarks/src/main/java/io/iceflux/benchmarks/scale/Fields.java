package io.iceflux.benchmarks.scale;

import java.util.LinkedHashMap;
import java.util.Map;

/** The one-line form a worker prints and the driver reads: a tag, then tab-separated {@code key=value} fields. */
final class Fields {

    private Fields() {
    }

    /** Join {@code fields} after {@code tag}; tabs and line breaks in values become spaces. */
    static String format(String tag, Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder(tag);
        fields.forEach((k, v) -> sb.append('\t').append(k).append('=')
                .append(String.valueOf(v).replace('\t', ' ').replace('\n', ' ').replace('\r', ' ')));
        return sb.toString();
    }

    /**
     * Split a line made by {@link #format}, or return {@code null} if it does not start with {@code tag}.
     *
     * @throws IllegalArgumentException naming the field that has no {@code =}
     */
    static Map<String, String> parse(String tag, String line) {
        String[] parts = line.split("\t");
        if (!parts[0].equals(tag)) {
            return null;
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("field '" + parts[i] + "' of a " + tag + " line has no '='");
            }
            fields.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        return fields;
    }

    /**
     * The field {@code key}.
     *
     * @throws IllegalArgumentException naming the key when it is missing
     */
    static String get(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException("result line has no field '" + key + "': " + fields);
        }
        return v;
    }
}
