package org.waldur.agent.membership;

import org.waldur.agent.slurm.SlurmNames;
import org.waldur.agent.waldur.ProjectAccount;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The service accounts and course accounts of an offering's projects, from one paged list of each kind per
 * membership pass ({@code marketplace-provider-offerings/{uuid}/list_project_service_accounts/} and
 * {@code …/list_course_accounts/}: Waldur 8.0.5 gives them to the offering's provider token, for every project
 * with a resource of the offering; their filters are the offering's, so a pass cannot ask for one project only).
 * The {@link MembershipPlanner} adds the usernames of a project's accounts in state OK to its team's, so they join
 * and leave the allocations in the same writes as the members.
 *
 * <p>What counts as active is the reference's rule (waldur_site_agent/common/processors.py,
 * {@code _sync_resource_service_accounts}): state OK with a username. The reference then removes only the Closed
 * ones; here, as for team members whose offering user is not OK, an account that is not OK (Closed, Erred) is not
 * wanted, so the planner's stale rule removes it, and nothing removes an active account as a non-member (the
 * reference's team pass removes it, its account pass adds it back, every cycle).
 */
public final class ProjectAccounts {
    /** The offering does not sync accounts ({@code service_accounts_sync_enabled: false}): nobody joins. */
    public static final ProjectAccounts NONE = new ProjectAccounts();

    /** One account with its kind, as a log line names it. */
    public record Entry(String kind, ProjectAccount account) {
    }

    private final Map<String, List<Entry>> byProject = new ConcurrentHashMap<>();

    /** Keeps the accounts of one list; {@code kind} ("service account", "course account") names them in logs. */
    public void add(String kind, List<ProjectAccount> accounts) {
        for (ProjectAccount a : accounts) {
            if (a.projectUuid() != null) {
                byProject.computeIfAbsent(hex(a.projectUuid()), k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(new Entry(kind, a));
            }
        }
    }

    /** The accounts of a project (none when the project has none, or is null). */
    public List<Entry> of(String projectUuid) {
        return projectUuid == null ? List.of() : List.copyOf(byProject.getOrDefault(hex(projectUuid), List.of()));
    }

    public int size() {
        return byProject.values().stream().mapToInt(List::size).sum();
    }

    /**
     * The usernames of the accounts that must be SLURM users: state OK, a username, a name safe for a SLURM
     * command ({@link SlurmNames#isUser}). A Closed account is left out silently (its normal end); any other reason
     * goes to {@code skipped}.
     */
    public static Set<String> wanted(List<Entry> accounts, Consumer<String> skipped) {
        Set<String> out = new LinkedHashSet<>();
        for (Entry e : accounts == null ? List.<Entry>of() : accounts) {
            ProjectAccount a = e.account();
            String name = a.username() == null ? "" : a.username().trim();
            if ("Closed".equals(a.state())) {
                continue;
            }
            String why = MembershipPlanner.unusable("", name, a.state());
            if (why == null) {
                out.add(name);
            } else {
                skipped.accept(e.kind() + " " + a.uuid() + " " + why + "; skipped");
            }
        }
        return out;
    }

    private static String hex(String uuid) {
        return uuid.replace("-", "").toLowerCase();
    }
}
