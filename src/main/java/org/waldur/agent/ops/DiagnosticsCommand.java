package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.slurm.SlurmRunner;
import org.waldur.agent.waldur.WaldurAuth;
import org.waldur.agent.waldur.WaldurClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code diagnostics}: the {@link Diagnostics} checks, one line each, or one JSON document with --json. */
@Command(name = "diagnostics", mixinStandardHelpOptions = true,
        description = {"Check each offering: Waldur reachable, the credential valid (whose, which roles), the "
                + "offering's state and plugin options, which modes serve or skip it and why, SLURM reachable "
                + "(clusters, `sacctmgr list tres` against backend_components), and every OK resource's account in SLURM.",
                "One line per check, ✔ or ✘."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every check passed", "1:at least one check failed (✘)", "2:configuration error"})
public final class DiagnosticsCommand extends OperatorCommand implements Callable<Integer> {
    @Option(names = "--json", description = "print one JSON document instead of lines (for scripts)")
    boolean json;

    private final SlurmRunner slurm;

    public DiagnosticsCommand() {
        this(SlurmRunner.processes(120));
    }

    /** With another way to run SLURM commands (tests). */
    public DiagnosticsCommand(SlurmRunner slurm) {
        this.slurm = slurm;
    }

    @Override
    public Integer call() throws Exception {
        AgentConfig config = config();
        if (config == null) {
            return CONFIG_ERROR;
        }
        WaldurAuth auth = new WaldurAuth();
        List<Diagnostics.OfferingReport> reports = new Diagnostics(o -> new WaldurClient(o, auth, userAgent()), slurm).run(config);
        boolean ok = reports.stream().allMatch(Diagnostics.OfferingReport::ok);
        if (json) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode root = m.createObjectNode();
            root.put("ok", ok);
            ArrayNode offerings = root.putArray("offerings");
            for (Diagnostics.OfferingReport r : reports) {
                ObjectNode o = offerings.addObject();
                o.put("name", r.name());
                o.put("uuid", r.uuid());
                o.put("ok", r.ok());
                ArrayNode checks = o.putArray("checks");
                r.checks().forEach(c -> checks.addObject().put("check", c.name()).put("ok", c.ok()).put("detail", c.detail()));
            }
            out().println(m.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        } else {
            for (Diagnostics.OfferingReport r : reports) {
                out().println("offering " + r.name() + " (" + r.uuid() + ")");
                r.checks().forEach(c -> out().println("  " + c.line()));
            }
        }
        out().flush();
        return ok ? OK : FAILED;
    }
}
