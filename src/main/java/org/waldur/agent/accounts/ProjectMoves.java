package org.waldur.agent.accounts;

import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Projects that moved to another customer in Waldur: their project account must hang under the new customer's
 * account. Decided from the cycle's association snapshot, for every project the cycle sees (order_process: its
 * orders' projects; membership_sync: every resource's), and written as ONE {@code sacctmgr load} of bare project
 * lines under their new parents (preceded, only when SLURM lacks a new customer's account, by one load creating
 * them: SLURM does not commit a re-parent in a file that also adds accounts). A bare line keeps the
 * account's description and organization, and SLURM carries its sub-accounts (the allocations), their users and
 * every limit along (examples/slurm-sandbox/FINDINGS.md §24), so allocations are never written here: they stay
 * under their project. (The reference re-parented allocations too and left them orphaned at root, then stopped.)
 * Flat trees ({@code parent_account}) have no customer tier and never move. No Camel, no I/O.
 */
public final class ProjectMoves {
    /** One project account to move from the parent SLURM shows to the customer Waldur names. */
    public record Move(String project, String from, String to) {
        @Override
        public String toString() {
            return "project account " + project + ": " + from + " -> " + to;
        }
    }

    private final SlurmSettings s;
    private final AssociationSnapshot snapshot;
    private final AccountNaming naming;
    private final Consumer<String> warn;
    private final Map<String, Move> moves = new LinkedHashMap<>();
    private final Map<String, String> newCustomers = new LinkedHashMap<>();

    public ProjectMoves(SlurmSettings settings, AssociationSnapshot snapshot, Consumer<String> warn) {
        this.s = settings;
        this.snapshot = snapshot;
        this.naming = new AccountNaming(settings);
        this.warn = warn;
    }

    /** Whether the tree has a customer tier at all (no {@code parent_account}). */
    public boolean applies() {
        return s.parentAccount() == null || s.parentAccount().isBlank();
    }

    /**
     * The customer and project accounts a resource's slugs (legacy: UUIDs) name, for the association read; empty in
     * a flat tree or when a slug is missing.
     */
    public List<String> accountsOf(String customerSlug, String customerUuid, String projectSlug, String projectUuid) {
        if (!applies()) {
            return List.of();
        }
        try {
            return List.of(naming.customer(customerSlug, customerUuid), naming.project(projectSlug, projectUuid));
        } catch (IllegalArgumentException e) {
            return List.of();
        }
    }

    /**
     * Notes the project of a resource or order: a move when its account exists under another parent than its
     * customer's account. Missing project accounts are the order planner's business (it creates them under the
     * right customer); a slug Waldur did not give, or one that makes an unsafe name, is warned about and skipped.
     */
    public void check(String customerSlug, String customerUuid, String customerName, String projectSlug, String projectUuid) {
        if (!applies()) {
            return;
        }
        String customer;
        String project;
        try {
            customer = naming.customer(customerSlug, customerUuid);
            project = naming.project(projectSlug, projectUuid);
        } catch (IllegalArgumentException e) {
            warn.accept("project " + projectSlug + " of customer " + customerSlug + ": " + e.getMessage() + "; not checked for a move");
            return;
        }
        AssociationSnapshot.Account now = snapshot.get(project);
        if (now == null || customer.equals(now.parent) || moves.containsKey(project)) {
            return;
        }
        if (now.users().isEmpty() && snapshot.children(project).isEmpty()) {
            return; // nothing hangs under it: no project account of ours (an empty allocation a slug happens to name?)
        }
        if (!now.users().isEmpty()) {
            // the agent's project accounts hold no users: an account with user associations is an allocation (or
            // made by hand) whose name a project's naming happens to give — moving it would tear it from its parent
            warn.accept("account " + project + " has user associations, so it is no project account of project "
                    + projectSlug + "; not moved");
            return;
        }
        if (customer.equals(project)) {
            warn.accept("customer and project accounts are both named " + project + " (customer_prefix/project_prefix); not moved");
            return;
        }
        if (!snapshot.exists(customer) && !newCustomers.containsKey(customer)) {
            newCustomers.put(customer, customerName == null || customerName.isBlank() ? customer : customerName);
            snapshot.planned(customer, s.rootAccount(), customer);
        }
        moves.put(project, new Move(project, now.parent, customer));
    }

    public List<Move> moves() {
        return List.copyOf(moves.values());
    }

    public boolean isEmpty() {
        return moves.isEmpty();
    }

    /**
     * The customer accounts SLURM lacks, under root_account, in a load of their own: a load that adds an account
     * reports but does not commit a re-parent in the same file (examples/slurm-sandbox/FINDINGS.md §24).
     */
    public LoadFile customersLoad() {
        LoadFile file = new LoadFile();
        newCustomers.forEach((name, description) -> file.account(name, s.rootAccount(), description, name, null));
        return file;
    }

    /** The cycle's one load of moves: each project bare under its customer. */
    public LoadFile load() {
        LoadFile file = new LoadFile();
        moves.values().forEach(m -> file.existing(m.project(), m.to(), Map.of()));
        return file;
    }

    /** One move's own load, for the one-by-one fallback when the batch is refused. */
    public LoadFile load(Move m) {
        LoadFile file = new LoadFile();
        file.existing(m.project(), m.to(), Map.of());
        return file;
    }

    /** Done means verified: the moves a fresh read does not show under their new customer. */
    public List<Move> unverified(AssociationSnapshot now) {
        List<Move> out = new ArrayList<>();
        for (Move m : moves.values()) {
            AssociationSnapshot.Account a = now.get(m.project());
            if (a == null || !m.to().equals(a.parent)) {
                out.add(m);
            }
        }
        return out;
    }
}
