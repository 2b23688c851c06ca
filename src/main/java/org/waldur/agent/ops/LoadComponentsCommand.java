package org.waldur.agent.ops;

import com.fasterxml.jackson.databind.JsonNode;
import org.waldur.agent.config.AgentConfig;
import org.waldur.agent.config.OfferingConfig;
import org.waldur.agent.waldur.WaldurAuth;
import org.waldur.agent.waldur.WaldurClient;
import org.waldur.agent.waldur.WaldurErrors;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code load-components}: the reference's waldur_site_load_components. For each offering, reads its components
 * from Waldur, prints what differs from {@code backend_components} ({@link ComponentPlan}), then creates and
 * updates them — or, with --dry-run, stops after the diff.
 */
@Command(name = "load-components", mixinStandardHelpOptions = true,
        description = {"Create or update each offering's components in Waldur from backend_components "
                + "(the reference's waldur_site_load_components). The diff is printed first; --dry-run stops there.",
                "Components only Waldur has are listed and left as they are."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every offering matches its backend_components (or would, with --dry-run)",
                "1:a Waldur read or write failed (the line says which)",
                "2:configuration error"})
public final class LoadComponentsCommand extends OperatorCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        AgentConfig config = config();
        if (config == null) {
            return CONFIG_ERROR;
        }
        WaldurAuth auth = new WaldurAuth();
        boolean failed = false;
        for (OfferingConfig o : config.offerings()) {
            out().println("offering " + o.name() + " (" + o.uuid() + "):");
            WaldurClient client = new WaldurClient(o, auth, userAgent());
            List<ComponentPlan.Change> plan;
            try {
                JsonNode offering = client.get("marketplace-provider-offerings/" + o.uuid() + "/");
                plan = ComponentPlan.plan(o.components(), offering.path("components"));
            } catch (IOException | RuntimeException e) {
                out().println("  ✘ cannot read the offering: " + WaldurErrors.describe(e));
                failed = true;
                continue;
            }
            plan.forEach(c -> out().println("  " + c.describe()));
            if (app.dryRun()) {
                long writes = plan.stream().filter(c -> c.body() != null).count();
                out().println("  DRY-RUN: " + writes + " change(s) not sent");
                continue;
            }
            for (ComponentPlan.Change c : plan) {
                if (c.body() == null) {
                    continue;
                }
                String action = c.kind() == ComponentPlan.Kind.CREATE ? "create_offering_component" : "update_offering_component";
                try {
                    client.post("marketplace-provider-offerings/" + o.uuid() + "/" + action + "/", c.body());
                    out().println("  ✔ " + (c.kind() == ComponentPlan.Kind.CREATE ? "created " : "updated ") + c.type());
                } catch (IOException | RuntimeException e) {
                    out().println("  ✘ " + c.type() + ": " + WaldurErrors.describe(e));
                    failed = true;
                }
            }
        }
        out().flush();
        return failed ? FAILED : OK;
    }
}
