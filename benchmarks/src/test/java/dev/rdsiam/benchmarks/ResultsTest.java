package dev.rdsiam.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsTest {

    private static Results sample() {
        Results r = new Results("2 cores, test machine", "2026-01-02T03:04:05Z", "quick", "benchmarks/run --quick");
        r.ratio("B1.postgresql.ours_vs_raw", 0.99, new Stats.Interval(0.97, 1.01), "B1 ours / raw");
        r.ratio("B2.postgresql.ours_vs_driver_file_trust", 0.7, new Stats.Interval(0.65, 0.75), "B2 ours / file");
        r.ratio("B2.postgresql.ours_vs_limit", 1.2, new Stats.Interval(1.1, 1.3), "B2 ours / limit");
        r.ratioNotAvailable("B2.mysql.ours_vs_wrapper", "B2 ours / wrapper", "wrapper \"refused\" the URL");
        r.value("B3.hit_ns", 85.25);
        r.describe("B3.hit_ns", "B3 hit");
        r.value("B4.postgresql.ours_mints", 1);
        r.value("B4.postgresql.ours_mints_per_trial", List.of(1.0, 1.0, 1.0));
        r.target("B1.postgresql.ours_vs_raw", Results.Op.AT_LEAST, 0.98);
        r.target("B2.postgresql.ours_vs_driver_file_trust", Results.Op.AT_MOST, 0.8);
        r.target("B2.postgresql.ours_vs_limit", Results.Op.AT_MOST, 1.05);
        r.target("B2.mysql.ours_vs_wrapper", Results.Op.AT_MOST, 1.0);
        r.target("B3.hit_ns", Results.Op.BELOW, 1000);
        r.target("B4.postgresql.ours_mints", Results.Op.EXACTLY, 1);
        r.note("shared machine");
        return r;
    }

    @Test
    void json_hasTheKeysIssue8AsksFor() {
        String json = sample().toJson();
        assertThat(json).startsWith("{").endsWith("}\n")
                .contains("\"machine\": \"2 cores, test machine\"")
                .contains("\"date\": \"2026-01-02T03:04:05Z\"")
                .contains("\"ratios\": {")
                .contains("\"B1.postgresql.ours_vs_raw\": 0.99")
                .contains("\"values\": {")
                .contains("\"B3.hit_ns\": 85.25")
                .contains("\"B4.postgresql.ours_mints\": 1,")
                .contains("\"B4.postgresql.ours_mints_per_trial\": [1, 1, 1]")
                .contains("\"ratio_spread\": {")
                .contains("\"B1.postgresql.ours_vs_raw\": {\"low\": 0.97, \"high\": 1.01}");
    }

    @Test
    void json_writesUnmeasuredRatiosAsNull_withTheReasonEscaped() {
        String json = sample().toJson();
        assertThat(json).contains("\"B2.mysql.ours_vs_wrapper\": null")
                .contains("\"not_available\": {\n    \"B2.mysql.ours_vs_wrapper\": \"wrapper \\\"refused\\\" the URL\"");
    }

    @Test
    void verdicts_judgeTheMedian_andFlagIntervalsThatCrossTheThreshold() {
        List<Results.Verdict> v = sample().verdicts();
        assertThat(v).extracting(x -> x.target().key() + "=" + x.met() + "/" + x.clear()).containsExactly(
                "B1.postgresql.ours_vs_raw=true/false",             // 0.99 >= 0.98, but 0.97 is not
                "B2.postgresql.ours_vs_driver_file_trust=true/true",
                "B2.postgresql.ours_vs_limit=false/true",
                "B2.mysql.ours_vs_wrapper=null/true",
                "B3.hit_ns=true/true",
                "B4.postgresql.ours_mints=true/true");
    }

    @Test
    void markdown_tableHasOneRowPerTarget_withTheOutcome() {
        String table = sample().targetTable();
        assertThat(table.lines()).hasSize(2 + 6);
        assertThat(table).contains("| B1 ours / raw | 0.99 | 0.97 – 1.01 | >= 0.98 | yes (within noise) |")
                .contains("| B2 ours / limit | 1.2 | 1.1 – 1.3 | <= 1.05 | **no** |")
                .contains("| B2 ours / wrapper | n/a |  | <= 1 | n/a |")
                .contains("| B3 hit | 85.25 |  | < 1000 | yes |");
        assertThat(sample().toMarkdown()).contains("* Command: `benchmarks/run --quick` (quick mode)")
                .contains("`B2.mysql.ours_vs_wrapper`: wrapper \"refused\" the URL");
    }

    @Test
    void numbers_keepFourSignificantDigits_withoutExponents() {
        assertThat(Results.number(0.987654)).isEqualTo("0.9877");
        assertThat(Results.number(41234.5678)).isEqualTo("41230");
        assertThat(Results.number(52000)).isEqualTo("52000");
        assertThat(Results.number(0.000012345)).isEqualTo("0.00001235");
        assertThat(Results.number(Double.NaN)).isEqualTo("null");
    }
    @Test
    void nearOne_holdsWithinTheThresholdEitherWay_andNoneIsShownWithoutAVerdict() {
        Results r = new Results("m", "d", "full", "benchmarks/run");
        r.ratio("B1.postgresql.alloc_ours_vs_raw", 1.004, new Stats.Interval(0.998, 1.009), "B1 alloc ours / raw");
        r.ratio("B1.mysql.alloc_ours_vs_raw", 0.985, new Stats.Interval(0.98, 0.99), "B1 alloc mysql");
        r.ratio("B1.mysql.alloc_ours_vs_wrapper", 1.0, new Stats.Interval(0.95, 1.05), "B1 alloc wide");
        r.ratio("B1.postgresql.ours_vs_raw", 0.93, new Stats.Interval(0.85, 1.05), "B1 throughput");
        r.target("B1.postgresql.alloc_ours_vs_raw", Results.Op.NEAR_ONE, 0.01);
        r.target("B1.mysql.alloc_ours_vs_raw", Results.Op.NEAR_ONE, 0.01);
        r.target("B1.mysql.alloc_ours_vs_wrapper", Results.Op.NEAR_ONE, 0.01);
        r.target("B1.postgresql.ours_vs_raw", Results.Op.NONE, 1);
        assertThat(r.verdicts()).extracting(x -> x.target().key() + "=" + x.met() + "/" + x.clear()).containsExactly(
                "B1.postgresql.alloc_ours_vs_raw=true/true",
                "B1.mysql.alloc_ours_vs_raw=false/true",
                "B1.mysql.alloc_ours_vs_wrapper=true/false",
                "B1.postgresql.ours_vs_raw=null/true");
        assertThat(r.targetTable())
                .contains("| B1 alloc ours / raw | 1.004 | 0.998 – 1.009 | 1 ± 0.01 | yes |")
                .contains("| B1 alloc wide | 1 | 0.95 – 1.05 | 1 ± 0.01 | yes (within noise) |")
                .contains("| B1 throughput | 0.93 | 0.85 – 1.05 | none (information) | - |");
    }
}
