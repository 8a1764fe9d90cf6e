package io.iceflux.benchmarks.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JmhReportTest {

    private static final List<String> CSV = List.of(
            "\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\"",
            "\"io.iceflux.benchmarks.jmh.StunCodecBenchmark.allocateRequestDecodeVerifyIce4j\",\"thrpt\",1,5,"
                    + "250000.5,1000.25,\"ops/s\"",
            "\"io.iceflux.benchmarks.jmh.StunCodecBenchmark.allocateRequestDecodeVerifyIce4j:gc.alloc.rate.norm\","
                    + "\"thrpt\",1,5,2216.0,0.5,\"B/op\"",
            "\"io.iceflux.benchmarks.jmh.StunCodecBenchmark.allocateRequestDecodeVerifyIceFlux\",\"thrpt\",1,5,"
                    + "750000.0,2000.0,\"ops/s\"",
            "\"io.iceflux.benchmarks.jmh.StunCodecBenchmark.allocateRequestDecodeVerifyIceFlux:gc.alloc.rate.norm\","
                    + "\"thrpt\",1,5,720.0,0.1,\"B/op\"",
            "\"io.iceflux.benchmarks.jmh.OperatorsBenchmark.w3cErrorSemantics\",\"thrpt\",1,5,1.0E7,1.0E5,\"ops/s\"");

    @Test
    void pairsIceFluxWithIce4jAndKeepsTheAllocation() {
        Map<String, JmhReport.Row> rows = JmhReport.parse(CSV);

        assertThat(rows).containsEntry("StunCodecBenchmark.allocateRequestDecodeVerifyIceFlux",
                new JmhReport.Row("StunCodecBenchmark.allocateRequestDecodeVerifyIceFlux", 750000.0, 2000.0, 720.0));
        assertThat(rows.get("OperatorsBenchmark.w3cErrorSemantics").bytesPerOp()).isNaN();

        String report = JmhReport.render(rows, "# Scale\n\n| N | wall |\n", "benchmarks/results.sh");
        assertThat(report)
                .contains("Written by `benchmarks/results.sh`")
                .contains("| allocateRequestDecodeVerify | 750,000 ± 2,000 | 250,001 ± 1,000 | 3.00× | 720 | 2,216 |")
                .contains("| w3cErrorSemantics | 10,000,000 ± 100,000 | - |")
                .contains("## Scale and latency (the harness's report")
                .contains("\n## Scale\n\n| N | wall |\n");
    }

    @Test
    void quotedCellsMayHoldCommasAndQuotes() {
        assertThat(JmhReport.csv("\"a,b\",\"say \"\"hi\"\"\",3")).containsExactly("a,b", "say \"hi\"", "3");
    }
}
