package org.waldur.agent.auditor.apel;

import org.junit.jupiter.api.Test;
import org.waldur.agent.auditor.ApelLauncher;
import org.waldur.agent.auditor.FakeAuditorServer;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Individual-job messages (auditor.md §5.6) from the worked example's three jobs. */
class IndividualJobsTest {

    @Test
    void exampleConfigLoads() {
        ApelConfig c = ApelConfig.load(Path.of("examples/auditor/apel-plugin-individual-jobs.yaml"));
        assertTrue(c.individualJobs());
        assertEquals("CpuDuration", c.jobFields().keySet().iterator().next());
        assertTrue(c.jobFields().containsKey("ServiceLevel"));
    }

    @Test
    void oneRecordPerJobInTheRecordFormatsOrder() throws Exception {
        try (FakeAuditorServer auditor = new FakeAuditorServer()) {
            auditor.add(ApelSummaryTest.R1, ApelSummaryTest.R2, ApelSummaryTest.R3);
            Path f = Files.createTempFile("jobs", ".yaml");
            String base = Files.readString(Path.of("src/test/resources/auditor/apel-worked-example.yaml"));
            Files.writeString(f, base.substring(0, base.indexOf("summary_fields:"))
                    .replace("report_interval: 86400", "report_interval: 86400\n  message_type: individual_jobs")
                    .replace("port: 8000", "port: " + auditor.port()) + """
                    individual_job_fields:
                      mandatory:
                        CpuDuration: !ComponentField
                          name: TotalCPU
                      optional:
                        SubmitHost: !MetaField
                          name: headnode
                        VO: !MetaField
                          name: voms
                          regex: (?<=/).*?(?=/|$)
                        FQAN: !MetaField
                          name: voms
                        Processors: !ComponentField
                          name: Cores
                        InfrastructureType: !ConstantField
                          value: grid
                        LocalUserId: !MetaField
                          name: user_id
                        ServiceLevel: !ScoreField
                          name: hepscore23
                          component_name: Cores
                        ServiceLevelType: !ConstantField
                          value: HEPscore23
                    """);
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            assertEquals(0, ApelLauncher.publish(f, true, false, Clock.fixed(Instant.parse("2026-03-06T00:00:00Z"), ZoneOffset.UTC),
                    new PrintStream(buf, true, StandardCharsets.UTF_8)));
            String out = buf.toString(StandardCharsets.UTF_8);
            assertEquals("""
                    APEL-individual-job-message: v0.3
                    Site: SITE_A
                    SubmitHost: ce1.example.org
                    LocalJobId: R1
                    FQAN: /atlas/Role=production
                    VO: atlas
                    WallDuration: 3601
                    CpuDuration: 50000
                    Processors: 8
                    StartTime: 1772445600
                    EndTime: 1772449201
                    InfrastructureType: grid
                    ServiceLevelType: HEPscore23
                    ServiceLevel: 10.5
                    %%
                    """, out.substring(0, out.indexOf("%%\n") + 3), "no LocalUserId line: the record has no user_id");
            assertEquals(3, out.split("LocalJobId: ").length - 1);
            assertTrue(out.endsWith("APEL-sync-message: v0.1\nSite: SITE_A\nSubmitHost: ce1.example.org\nNumberOfJobs: 3\n"
                    + "Month: 3\nYear: 2026\n%%\n"), out);
        }
    }

    @Test
    void messagesAreCutAtAThousandJobs() throws Exception {
        ApelConfig c = ApelConfig.load(Path.of("examples/auditor/apel-plugin-individual-jobs.yaml"));
        List<String> messages = new ArrayList<>();
        IndividualJobs jobs = new IndividualJobs(c, "SITE_A", messages::add);
        List<org.waldur.agent.auditor.record.Record> day = new ArrayList<>();
        for (int i = 0; i < 2500; i++) {
            day.add(org.waldur.agent.auditor.record.Record.of("j" + i, ApelSummaryTest.R1.meta(), ApelSummaryTest.R1.components(),
                    ApelSummaryTest.R1.startTime(), ApelSummaryTest.R1.stopTime()));
        }
        jobs.addDay(day);
        assertEquals(2, messages.size(), "two full messages handed on while reading");
        jobs.flush();
        assertEquals(List.of(1000, 1000, 500), messages.stream().map(m -> m.split("%%\n").length).toList());
    }
}
