package io.iceflux.benchmarks.jmh;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code benchmarks/RESULTS.md} from a JMH result file in CSV form ({@code -rf csv}, with {@code -prof gc})
 * and the scale harness's report: the codec benchmarks as IceFlux/ice4j pairs with their ratio, the operator
 * benchmarks, then the scale report as it is.
 */
public final class JmhReport {

    private static final String ICEFLUX = "IceFlux";
    private static final String ICE4J = "Ice4j";

    private JmhReport() {
    }

    /** One benchmark's score, error and allocation per operation (NaN when not measured). */
    record Row(String benchmark, double score, double error, double bytesPerOp) {
    }

    /**
     * Write the report.
     *
     * @param args {@code JMH_CSV SCALE_REPORT_MD OUT_MD COMMAND}; a missing file ends with an exception naming it
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: JmhReport JMH_CSV SCALE_REPORT_MD OUT_MD COMMAND");
        }
        Map<String, Row> rows = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8));
        String scale = Files.readString(Path.of(args[1]), StandardCharsets.UTF_8);
        Files.writeString(Path.of(args[2]), render(rows, scale, args[3]), StandardCharsets.UTF_8);
    }

    /** Parse JMH's CSV: a row per benchmark and one per secondary metric ({@code name:gc.alloc.rate.norm}). */
    static Map<String, Row> parse(List<String> lines) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = csv(line);
            if (cells.size() < 7) {
                continue;
            }
            String name = cells.get(0);
            double score = number(cells.get(4));
            double error = number(cells.get(5));
            int colon = name.indexOf(':');
            if (colon < 0) {
                rows.put(shortName(name), new Row(shortName(name), score, error, Double.NaN));
            } else if (name.endsWith("gc.alloc.rate.norm")) {
                String owner = shortName(name.substring(0, colon));
                Row row = rows.get(owner);
                if (row != null) {
                    rows.put(owner, new Row(owner, row.score(), row.error(), score));
                }
            }
        }
        return rows;
    }

    static String render(Map<String, Row> rows, String scaleReport, String command) {
        StringBuilder out = new StringBuilder();
        out.append("# IceFlux benchmark results\n\n");
        out.append("Written by `").append(command).append("`: every table below comes from that one run.\n\n");
        out.append("- Date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        out.append("- Cores: ").append(Runtime.getRuntime().availableProcessors())
                .append(", JDK ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append('\n');
        out.append("- Load average when the report was written: ")
                .append(String.format(Locale.ROOT, "%.2f",
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()))
                .append('\n');
        out.append("- JMH 1.37, one fork per benchmark, `-prof gc`; ± is JMH's 99.9 % error. ")
                .append("What each codec benchmark does on each side, and earlier runs: ")
                .append("[RESULTS-jmh.md](RESULTS-jmh.md).\n\n");

        out.append("## Codec: IceFlux and ice4j on the same bytes\n\n");
        out.append("| benchmark | IceFlux ops/s | ice4j ops/s | IceFlux / ice4j | IceFlux B/op | ice4j B/op |\n");
        out.append("|---|---:|---:|---:|---:|---:|\n");
        List<String> pairs = new ArrayList<>();
        for (String name : rows.keySet()) {
            if (name.startsWith("StunCodecBenchmark.") && name.endsWith(ICEFLUX)) {
                pairs.add(name.substring(0, name.length() - ICEFLUX.length()));
            }
        }
        for (String pair : pairs) {
            Row ours = rows.get(pair + ICEFLUX);
            Row theirs = rows.get(pair + ICE4J);
            out.append("| ").append(pair.substring("StunCodecBenchmark.".length())).append(" | ")
                    .append(score(ours)).append(" | ").append(score(theirs)).append(" | ")
                    .append(theirs == null ? "-" : String.format(Locale.ROOT, "%.2f×", ours.score() / theirs.score()))
                    .append(" | ").append(bytes(ours)).append(" | ").append(bytes(theirs)).append(" |\n");
        }
        out.append("\n## Operators and the event pipeline (events per second)\n\n");
        out.append("| benchmark | events/s | B/event |\n|---|---:|---:|\n");
        for (Row row : rows.values()) {
            if (row.benchmark().startsWith("OperatorsBenchmark.")) {
                out.append("| ").append(row.benchmark().substring("OperatorsBenchmark.".length())).append(" | ")
                        .append(score(row)).append(" | ").append(bytes(row)).append(" |\n");
            }
        }
        out.append("\n## Scale and latency (the harness's report, `benchmarks/RESULTS-scale.md`)\n\n");
        for (String line : scaleReport.split("\n", -1)) {
            out.append(line.startsWith("#") ? "#" + line : line).append('\n');
        }
        return out.toString();
    }

    private static String score(Row row) {
        if (row == null) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f ± %,.0f", row.score(), row.error());
    }

    private static String bytes(Row row) {
        if (row == null || Double.isNaN(row.bytesPerOp())) {
            return "-";
        }
        return String.format(Locale.ROOT, "%,.0f", row.bytesPerOp());
    }

    private static String shortName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        return parts.length < 2 ? benchmark : parts[parts.length - 2] + "." + parts[parts.length - 1];
    }

    private static double number(String cell) {
        try {
            return Double.parseDouble(cell);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Split one CSV line: fields may be quoted, quotes inside are doubled. */
    static List<String> csv(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
