package org.waldur.agent.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * SLURM's accounts and associations as read once per cycle (instead of a {@code show account} per item).
 * Parsed from {@code sacctmgr -P -n show assoc format=Cluster,Account,ParentName,User,GrpTRESMins,QOS,MaxTRESMins,Fairshare} — account rows
 * have an empty User and carry the parent; user rows carry the user — and from
 * {@code list account format=Account,Organization}. The cycle records what it plans to create or remove here,
 * so two orders in one cycle see each other's accounts.
 */
public final class AssociationSnapshot {
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final Set<String> clusters = new LinkedHashSet<>();

    /** One account: its parent, organization, GrpTRESMins, QoS and users with an association to it. */
    public static final class Account {
        public final String name;
        public String parent = "";
        public String organization = "";
        public String grpTresMins = "";
        public String qos = "";
        /** The account association's MaxTRESMins and Fairshare as SLURM prints them (empty: none, or not read). */
        public String maxTresMins = "";
        public String fairshare = "";
        public final Map<String, String> userQos = new LinkedHashMap<>();
        /** A user's MaxTRESMins as SLURM prints it ({@code cpu=100,mem=30M}); absent when none. */
        public final Map<String, String> userMaxTresMins = new LinkedHashMap<>();

        Account(String name) {
            this.name = name;
        }

        public Set<String> users() {
            return userQos.keySet();
        }
    }

    public static AssociationSnapshot parse(String associations, String accountList) {
        AssociationSnapshot s = new AssociationSnapshot();
        for (String line : lines(associations)) {
            String[] f = line.split("\\|", -1);
            if (f.length < 4 || f[1].isEmpty()) {
                continue;
            }
            s.clusters.add(f[0]);
            Account a = s.accounts.computeIfAbsent(f[1].toLowerCase(), Account::new);
            String user = f[3];
            if (user.isEmpty()) {
                a.parent = f[2];
                a.grpTresMins = f.length > 4 ? f[4] : "";
                a.qos = f.length > 5 ? f[5] : "";
                a.maxTresMins = f.length > 6 ? f[6] : "";
                a.fairshare = f.length > 7 ? f[7] : "";
            } else {
                a.userQos.put(user.toLowerCase(), f.length > 5 ? f[5] : "");
                if (f.length > 6 && !f[6].isEmpty()) {
                    a.userMaxTresMins.put(user.toLowerCase(), f[6]);
                }
            }
        }
        // Only accounts with an association on this cluster count: a cluster-scoped removal leaves the account
        // record itself in slurmdbd (other clusters may still use it), and such a record is not a child anymore.
        for (String line : lines(accountList)) {
            String[] f = line.split("\\|", -1);
            Account a = f.length >= 2 ? s.accounts.get(f[0].toLowerCase()) : null;
            if (a != null) {
                a.organization = f[1].toLowerCase();
            }
        }
        return s;
    }

    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        if (text != null) {
            text.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(out::add);
        }
        return out;
    }

    /** The cluster the snapshot shows, when it shows exactly one (a batch load file must name its cluster). */
    public String singleCluster() {
        return clusters.size() == 1 ? clusters.iterator().next() : null;
    }

    public boolean exists(String account) {
        return accounts.containsKey(account);
    }

    public Account get(String account) {
        return accounts.get(account);
    }

    public Collection<Account> accounts() {
        return accounts.values();
    }

    /** Accounts below {@code account}: by parent, or (accounts made by 0.2.x agents, under root) by organization. */
    public Set<String> children(String account) {
        Set<String> out = new LinkedHashSet<>();
        for (Account a : accounts.values()) {
            if (!a.name.equals(account) && (account.equals(a.parent) || account.equals(a.organization))) {
                out.add(a.name);
            }
        }
        return out;
    }

    /** Record an account the cycle is about to create. */
    public void planned(String name, String parent, String organization) {
        Account a = accounts.computeIfAbsent(name, Account::new);
        a.parent = parent == null ? "" : parent;
        a.organization = organization == null ? "" : organization;
    }

    /** Record an account the cycle is about to remove. */
    public void removed(String name) {
        accounts.remove(name);
    }
}
