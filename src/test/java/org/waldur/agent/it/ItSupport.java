package org.waldur.agent.it;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.waldur.agent.fake.FakeWaldur;
import org.waldur.agent.support.ConfigYaml;
import org.waldur.agent.slurm.TresString;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A fake Waldur in the test JVM, a config file for the distribution, SLURM cleaned of this suite's accounts. */
abstract class ItSupport {
    static final String TOKEN = "0123456789abcdef0123456789abcdef01234567";
    static final String[] PREFIXES = {"ita_", "itp_", "itc_"};
    FakeWaldur waldur;
    String offering;
    Path work;
    Path slurmLog;

    @BeforeEach
    void startWaldur() throws IOException {
        RealSlurm.require();
        RealSlurm.removeAccounts(PREFIXES);
        waldur = FakeWaldur.start(TOKEN);
        offering = waldur.addOffering("HPC", List.of(
                new FakeWaldur.Component("cpu", "CPU", "usage", "k-Hours", 60000),
                new FakeWaldur.Component("mem", "RAM", "usage", "gb-Hours", 61440),
                new FakeWaldur.Component("gres/gpu", "GPU", "limit", "GPU-hours", 60)), Map.of());
        work = Files.createTempDirectory("agent-it");
        slurmLog = work.resolve("slurm-calls.log");
    }

    @AfterEach
    void stop() {
        if (waldur != null) {
            waldur.close();
        }
        RealSlurm.removeAccounts(PREFIXES);
    }

    /** The config file; {@code extraSettings} are more backend_settings lines (4-space indented under it). */
    static final String COMPONENTS = ConfigYaml.COMPONENTS;


    Path config(String binPath, String extraSettings) throws IOException {
        return config(binPath, extraSettings, COMPONENTS);
    }

    Path config(String binPath, String extraSettings, String components) throws IOException {
        String settings = """
                  default_account: "root"
                  default_account_policy: "individual"
                  customer_prefix: "itc_"
                  project_prefix: "itp_"
                  allocation_prefix: "ita_"
                  cluster_name: "sandbox"
                  slurm_bin_path: "%s"
                  enable_user_homedir_account_creation: false
                  qos_default: "normal"
                  qos_paused: "paused"
                  qos_downscaled: "limited"
            %s""".formatted(binPath, extraSettings);
        // the fake Waldur runs in UTC: with its zone stated, the current month is reported from its first hour
        // (unstated, the agent waits until noon UTC on the 1st, which these real-clock suites cannot)
        String yaml = "waldur_timezone: \"UTC\"\n" + ConfigYaml.of(waldur.apiUrl(), TOKEN, offering, settings, components);
        Path f = work.resolve("config.yaml");
        Files.writeString(f, yaml);
        return f;
    }

    Path countingBin(String failLoadWith) throws IOException {
        return RealSlurm.countingBinDir(work.resolve("bin"), slurmLog, failLoadWith);
    }

    /** GrpTRESMins as SLURM shows it, in SLURM's base units: {@code cpu=600000,mem=614400M} → {cpu=600000, mem=614400}. */
    static Map<String, Long> limits(String grpTresMins) {
        Map<String, Long> out = new TreeMap<>();
        TresString.parse(grpTresMins).forEach((k, v) -> out.put(k, Math.round(TresString.amount(k, v))));
        return out;
    }

    String order(String projectUuid, String name, String slug) {
        String r = waldur.addResource(offering, projectUuid, name, slug, "Creating", null, Map.of("gres/gpu", 2));
        return waldur.addOrder(offering, r, "Create", "pending-provider", Map.of("gres/gpu", 2));
    }

    String resourceOf(String order) {
        return (String) waldur.order(order).get("marketplace_resource_uuid");
    }

    void member(String project, String username) {
        String user = waldur.addUser(username, username);
        waldur.addTeamMember(project, user, "member");
        waldur.addOfferingUser(offering, user, username, "OK");
    }
}
