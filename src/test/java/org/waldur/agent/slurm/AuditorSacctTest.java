package org.waldur.agent.slurm;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AUDITOR collector's sacct command and the reading of its output. Vectors ported from AUDITOR's
 * collectors/slurm/src/sacctcaller.rs and configuration.rs unit tests (auditor.md §8), plus the rows SLURM 22.05
 * printed on the sandbox (FINDINGS "AUDITOR collector").
 */
class AuditorSacctTest {
    static final List<String> COMMON = List.of("Partition", "NCPUS", "ReqMem", "NNodes", "JobID", "Start", "End", "Group",
            "User", "State");

    @Test
    void theCommandIsAuditorsWithUtcEpochTimesAndAClosedWindow() {
        SlurmCommand c = SlurmCommands.auditorJobs(List.of("NCPUS", "JobID", "Start", "End", "Group", "User", "State"),
                Instant.parse("2026-12-01T00:50:00Z"), Instant.parse("2026-12-01T01:00:05Z"),
                Map.of("status", List.of("completed", "failed"), "account", List.of("aucol_a")));
        assertEquals(List.of("/usr/bin/env", "TZ=UTC", "SLURM_TIME_FORMAT=%s", "sacct", "-a", "--format",
                "NCPUS,JobID,Start,End,Group,User,State", "--noconvert", "--noheader", "-S", "2026-12-01T00:50:00",
                "-E", "2026-12-01T01:00:05", "-P", "-s", "completed,failed", "-A", "aucol_a"), c.argv());
    }

    @Test
    void filterValuesAndFieldNamesAreCheckedBeforeTheyReachSacct() {
        Instant t = Instant.EPOCH;
        assertThrows(IllegalArgumentException.class, () -> SlurmCommands.auditorJobs(List.of("JobID"), t, t,
                Map.of("user", List.of("alice,root"))));
        assertThrows(IllegalArgumentException.class, () -> SlurmCommands.auditorJobs(List.of("JobID,--foo"), t, t, Map.of()));
        assertThrows(IllegalArgumentException.class, () -> SlurmCommands.auditorJobs(List.of("JobID"), t, t,
                Map.of("partition", List.of("-x"))));
    }

    @Test
    void commonLineIsOneJobWithEveryValue() {
        SacctJobs.Parsed p = SacctJobs.parse(
                "partition|1|2000M|1|1234567|2023-11-07T10:14:01|2023-11-07T11:39:09|group|user|COMPLETED", COMMON, Set.of());
        assertEquals(1, p.jobs().size());
        SacctJobs.Job j = p.jobs().get(0);
        assertEquals("1234567", j.jobId());
        assertEquals("partition", j.get("Partition"));
        assertEquals(2000, SacctValues.integerMega(j.get("ReqMem")));
        assertEquals(Instant.parse("2023-11-07T10:14:01Z"), SacctValues.instant(j.get("Start")), "TZ=UTC: read as UTC");
        assertEquals("user", j.get("User"));
    }

    @Test
    void emptyValuesAreDroppedUnlessAllowed() {
        List<String> keys = List.of("JobID", "Comment", "State");
        assertEquals("", SacctJobs.parse("100||COMPLETED", keys, Set.of("Comment")).jobs().get(0).get("Comment"));
        assertEquals(null, SacctJobs.parse("100||COMPLETED", keys, Set.of()).jobs().get(0).get("Comment"));
        assertEquals(Map.of(), SacctValues.jsonMap("{}"));
        assertEquals(Map.of("key", "value"), SacctValues.jsonMap(
                SacctJobs.parse("100|{ 'key': 'value' }|COMPLETED", keys, Set.of()).jobs().get(0).get("Comment")));
    }

    @Test
    void aJobCancelledBeforeItStartedIsSkippedOneCancelledWhileRunningIsKept() {
        List<String> keys = List.of("JobID", "Start", "End", "State");
        assertEquals(0, SacctJobs.parse("1234567|||CANCELLED by 1000\n1234567.batch|||CANCELLED by 1000", keys, Set.of())
                .jobs().size(), "AUDITOR's vector: no Start");
        SacctJobs.Parsed kept = SacctJobs.parse("1234567|2023-11-07T10:14:01|2023-11-07T11:39:09|CANCELLED by 1000\n"
                + "1234567.batch|2023-11-07T10:14:01|2023-11-07T11:39:09|CANCELLED by 1000", keys, Set.of());
        assertEquals(List.of("1234567"), kept.jobs().stream().map(SacctJobs.Job::jobId).toList());
        // SLURM 22.05 (sandbox): a pending job cancelled prints the cancel time as Start, no .batch, no nodes
        List<String> withNodes = List.of("JobID", "Start", "End", "State", "NodeList");
        SacctJobs.Parsed real = SacctJobs.parse("3|1796089478|1796089478|CANCELLED by 0|None assigned", withNodes, Set.of());
        assertEquals(0, real.jobs().size());
        assertEquals(1, real.skippedUnstarted());
    }

    @Test
    void everyStepIsRecognisedByItsDotAndValuesFallBackToTheBatchRow() {
        List<String> keys = List.of("JobID", "MaxRSS", "User", "State");
        String out = String.join("\n",
                "10||alice|COMPLETED",
                "10.batch|3321856||COMPLETED",
                "10.extern|0||COMPLETED",
                "10.0|5||COMPLETED",
                "11.interactive|1||COMPLETED",
                "11_2||bob|COMPLETED",
                "11_2.batch|77||COMPLETED",
                "123+0||carol|COMPLETED",
                "123+0.batch|9||COMPLETED");
        SacctJobs.Parsed p = SacctJobs.parse(out, keys, Set.of());
        assertEquals(List.of("10", "11_2", "123+0"), p.jobs().stream().map(SacctJobs.Job::jobId).toList());
        assertEquals("3321856", p.jobs().get(0).get("MaxRSS"), "22.05 prints MaxRSS on the .batch row only");
        assertEquals("77", p.jobs().get(1).get("MaxRSS"));
    }

    @Test
    void aLineWithTheWrongFieldCountIsReportedNotGuessed() {
        SacctJobs.Parsed p = SacctJobs.parse("12|a|b|extra|COMPLETED", List.of("JobID", "Comment", "State"), Set.of());
        assertEquals(0, p.jobs().size());
        assertEquals("12", p.unparsable().get(0).jobId());
        assertTrue(p.unparsable().get(0).reason().contains("5 fields"));
    }

    @Test
    void timesAsAuditorReadsThem() {
        assertEquals(2608, SacctValues.seconds("43:28.686"));
        assertEquals(36444, SacctValues.seconds("10:07:24"));
        assertEquals(202781, SacctValues.seconds("2-08:19:41"));
        assertThrows(IllegalArgumentException.class, () -> SacctValues.seconds("1:2"));
        assertEquals(Instant.ofEpochSecond(1796085298), SacctValues.instant("1796085298"));
        assertThrows(IllegalArgumentException.class, () -> SacctValues.instant("Unknown"));
        assertEquals("alice", SacctValues.id("alice(1000)"));
    }

    @Test
    void jsonCommentsInEveryQuotingAuditorAccepts() {
        Map<String, String> expected = Map.of("headnode", "gsiftp://arc1.bfg.uni-freiburg.de:2811/jobs",
                "subject", "/some/things/", "voms", "/atlas/Role=production");
        assertEquals(expected, SacctValues.jsonMap("{'voms': '/atlas/Role=production', 'headnode': "
                + "'gsiftp://arc1.bfg.uni-freiburg.de:2811/jobs', 'subject': '/some/things/'}"));
        assertEquals(expected, SacctValues.jsonMap("\"{'voms': '/atlas/Role=production', 'headnode': "
                + "'gsiftp://arc1.bfg.uni-freiburg.de:2811/jobs', 'subject': '/some/things/'}\""));
        assertEquals(expected, SacctValues.jsonMap("{\"voms\": \"/atlas/Role=production\", \"headnode\": "
                + "\"gsiftp://arc1.bfg.uni-freiburg.de:2811/jobs\", \"subject\": \"/some/things/\"}"));
        assertEquals(expected, SacctValues.jsonMap("\"{\"voms\": \"/atlas/Role=production\", \"headnode\": "
                + "\"gsiftp://arc1.bfg.uni-freiburg.de:2811/jobs\", \"subject\": \"/some/things/\"}\""));
        assertEquals(Map.of(), SacctValues.jsonMap(""));
        assertEquals(Map.of(), SacctValues.jsonMap("not json"));
    }

    @Test
    void aBatchRowIsMergedIntoItsJobWhetherItComesAfterOrBeforeIt() {
        List<String> keys = List.of("JobID", "MaxRSS", "State");
        SacctJobs.Parsed p = SacctJobs.parse("1||COMPLETED\n1.batch|100K|COMPLETED\n1.extern|5K|COMPLETED\n"
                + "2.batch|200K|COMPLETED\n2||COMPLETED\n3||COMPLETED\n", keys, Set.of());
        assertEquals(List.of("1", "2", "3"), p.jobs().stream().map(SacctJobs.Job::jobId).toList());
        assertEquals("100K", p.jobs().get(0).get("MaxRSS"));
        assertEquals("200K", p.jobs().get(1).get("MaxRSS"));
        assertEquals(null, p.jobs().get(2).get("MaxRSS"), "no step of another job leaks in");
    }
}
