package org.waldur.agent.membership;

import org.waldur.agent.accounts.OrderPlanner;
import org.waldur.agent.config.SlurmSettings;
import org.waldur.agent.slurm.AssociationSnapshot;
import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.slurm.SlurmOutput;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The SLURM writes of one offering's membership cycle, merged across its planned resources so that a cycle costs
 * a constant number of processes (as order processing does): one squeue and at most one scancel for the jobs of
 * stale users, one {@code add user} for missing {@code default_account} associations (policy {@code common}),
 * one {@code sacctmgr load} with every new association, one {@code modify account} per distinct target QoS.
 * Each {@link MembershipWork} keeps its own part, so a failed batch can be applied resource by resource.
 * No Camel, no I/O.
 */
public final class MembershipBatch {
    private final SlurmSettings s;
    private final AssociationSnapshot snapshot;
    private final List<MembershipWork> works = Collections.synchronizedList(new ArrayList<>());

    /**
     * A stale (user, account) association of one resource: its allocation account, or — policy {@code common} —
     * the default_account association of a user leaving the offering's last allocation.
     */
    public record Stale(MembershipWork work, String user, String account) {
        Stale(MembershipWork work, String user) {
            this(work, user, work.account);
        }

        public String getAccount() {
            return account;
        }
    }

    /** Accounts whose QoS list must become {@code qos} (DefaultQOS: {@code target}). */
    public record QosGroup(String qos, String target, List<MembershipWork> works) {
        public List<String> accounts() {
            return works.stream().map(w -> w.account).toList();
        }
    }

    public MembershipBatch(SlurmSettings settings, AssociationSnapshot snapshot) {
        this.s = settings;
        this.snapshot = snapshot;
    }

    /** A planned resource whose account exists joins the cycle's writes. */
    public void add(MembershipWork w) {
        if (!w.accountMissing) {
            works.add(w);
        }
    }

    /** The cycle's association read (the removal plan checks its groups against it). */
    AssociationSnapshot snapshot() {
        return snapshot;
    }

    public List<MembershipWork> works() {
        synchronized (works) {
            return List.copyOf(works);
        }
    }

    // ---- stale users --------------------------------------------------------------------------------------

    /** Stale associations: allocations first, then (policy common) default_account ones, each after its user's last allocation. */
    public List<Stale> stale() {
        List<Stale> out = new ArrayList<>();
        for (MembershipWork w : works()) {
            w.stale.forEach(u -> out.add(new Stale(w, u)));
        }
        out.addAll(leavingDefaultAccount(out));
        return out;
    }

    /**
     * Policy {@code common}: users this cycle removes from their last allocation of the offering (the snapshot
     * holds only the offering's accounts and default_account) lose their default_account association too. Only
     * users leaving in this cycle: a user an administrator put in default_account is never touched.
     */
    private List<Stale> leavingDefaultAccount(List<Stale> allocationStale) {
        String d = s.defaultAccount();
        AssociationSnapshot.Account common = d == null ? null : snapshot.get(d);
        if (!"common".equals(s.defaultAccountPolicy()) || common == null) {
            return List.of();
        }
        Set<String> removed = new java.util.HashSet<>();
        allocationStale.forEach(p -> removed.add(p.account() + "|" + p.user()));
        Set<String> staying = new java.util.HashSet<>();
        for (MembershipWork w : works()) {
            staying.addAll(w.add);
        }
        for (AssociationSnapshot.Account a : snapshot.accounts()) {
            if (!a.name.equals(d)) {
                a.users().stream().filter(u -> !removed.contains(a.name + "|" + u)).forEach(staying::add);
            }
        }
        Map<String, Stale> out = new LinkedHashMap<>();
        for (Stale p : allocationStale) {
            if (!staying.contains(p.user()) && common.users().contains(p.user()) && !"root".equals(p.user())) {
                out.putIfAbsent(p.user(), new Stale(p.work(), p.user(), d));
            }
        }
        return List.copyOf(out.values());
    }

    /** Allocation accounts with stale users (whose jobs are cancelled first). */
    public Set<String> staleAccounts() {
        Set<String> out = new TreeSet<>();
        stale().forEach(p -> out.add(p.work().account));
        return out;
    }

    /**
     * Job ids among squeue's {@code id|account|user} lines whose (account, user) association is stale, by work
     * (a job of a wanted user, or of a stale user under another account, is left alone).
     */
    public Map<MembershipWork, List<String>> staleJobs(String squeueOutput) {
        Map<String, MembershipWork> byPair = new TreeMap<>();
        for (Stale p : stale()) {
            if (p.account().equals(p.work().account)) {
                byPair.put(p.work().account.toLowerCase() + "|" + p.user(), p.work());
            }
        }
        Map<MembershipWork, List<String>> out = new LinkedHashMap<>();
        for (SlurmOutput.Job job : SlurmOutput.jobs(squeueOutput)) {
            MembershipWork w = byPair.get(job.account().toLowerCase() + "|" + job.user());
            if (w != null) {
                out.computeIfAbsent(w, k -> new ArrayList<>()).add(job.id());
            }
        }
        return out;
    }

    // ---- new associations ---------------------------------------------------------------------------------

    /** Partitions configured: the per-account {@code add user … Partition=} stays (load's syntax is unverified). */
    public boolean perAccountAdds() {
        return s.defaultPartition() != null && !s.defaultPartition().isBlank();
    }

    public List<MembershipWork> adding() {
        return works().stream().filter(MembershipWork::isAdding).toList();
    }

    /**
     * Policy {@code common}: new users lacking the association with {@code default_account}; it is added first in
     * one {@code add user}, because a load ignores a DefaultAccount the user has no association with.
     */
    public List<String> defaultAssociations() {
        if (perAccountAdds()) {
            return List.of();
        }
        Set<String> out = new TreeSet<>();
        for (MembershipWork w : adding()) {
            for (String u : w.add) {
                if (OrderPlanner.lacksDefaultAssociation(s, snapshot, u)) {
                    out.add(u);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Every resource's new associations in one load file (empty when partitions need per-account adds). */
    public LoadFile load() {
        LoadFile all = new LoadFile();
        if (!perAccountAdds()) {
            adding().forEach(w -> all.addAll(load(w)));
        }
        return all;
    }

    /**
     * One resource's new associations: a User line per user under its account's Parent block, with the
     * DefaultAccount the policy asks for ({@code individual}: the account; {@code common}: default_account;
     * {@code none}: none). No Account lines: a limit change in a file with User lines is not committed (22.05).
     */
    public static LoadFile load(MembershipWork w) {
        return load(w, w.add);
    }

    /** {@link #load(MembershipWork)} for some of its users only (a verified retry). */
    static LoadFile load(MembershipWork w, List<String> users) {
        LoadFile f = new LoadFile();
        String d = w.defaultAccount == null || w.defaultAccount.isBlank() ? null : w.defaultAccount;
        users.forEach(u -> f.user(u, w.account, d));
        return f;
    }

    // ---- QoS ----------------------------------------------------------------------------------------------

    /**
     * Accounts whose QoS must change, one group per distinct list (paused, downscaled, default — plus one per
     * distinct set of QoS an administrator granted beside the default).
     */
    public List<QosGroup> qosGroups() {
        Map<String, List<MembershipWork>> by = new TreeMap<>();
        for (MembershipWork w : works()) {
            if (w.isQosChange()) {
                by.computeIfAbsent(w.qosList() + "|" + w.qosTarget, k -> new ArrayList<>()).add(w);
            }
        }
        List<QosGroup> out = new ArrayList<>();
        by.forEach((key, ws) -> out.add(new QosGroup(ws.get(0).qosList(), ws.get(0).qosTarget, ws)));
        return out;
    }
}
