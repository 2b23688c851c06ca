package org.waldur.agent.slurm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A flat file for {@code sacctmgr load} (examples/slurm-sandbox/FINDINGS.md §1): one process adds every missing account and
 * association and changes the limits of existing ones, whatever the number of lines. Lines are written in tree
 * order — a {@code Parent - 'x'} line applies to every following line until the next one, so each parent's block
 * comes after the line that creates the parent. One bad line aborts the whole file, so every name is checked
 * with {@link SlurmNames} and every TRES against the cluster's list before it is added here.
 */
public final class LoadFile {
    private final Map<String, AccountLine> accounts = new LinkedHashMap<>();
    private final Map<String, Set<String>> users = new LinkedHashMap<>();
    private final Map<String, String> defaultAccounts = new LinkedHashMap<>();
    /** Accounts that already exist, written bare: their parent and only the fields named here. */
    private final Map<String, ExistingLine> existing = new LinkedHashMap<>();
    private final Map<String, String> maxTresMins = new LinkedHashMap<>();
    private String cluster;

    /** An account with its parent, description, organization and (possibly empty) GrpTRESMins. */
    public record AccountLine(String name, String parent, String description, String organization, Map<String, Long> grpTresMins) {
    }

    /**
     * An account SLURM already has, written bare ({@code Account - 'x'[:Key=value…]}): sacctmgr keeps its
     * description and organization and changes only what the line names. Under a parent other than its own it is
     * re-parented, its sub-accounts, users and limits with it (examples/slurm-sandbox/FINDINGS.md §24). Field values
     * are SLURM's own text (a number, a TRES string), quoted when they may hold {@code :}.
     */
    public record ExistingLine(String name, String parent, Map<String, String> fields) {
    }

    public LoadFile cluster(String name) {
        this.cluster = name;
        return this;
    }

    public String cluster() {
        return cluster;
    }

    public void account(String name, String parent, String description, String organization, Map<String, Long> grpTresMins) {
        accounts.put(SlurmNames.account(name), new AccountLine(name, SlurmNames.account(parent), clean(description),
                SlurmNames.account(organization), grpTresMins == null ? Map.of() : Map.copyOf(grpTresMins)));
    }

    /** An existing account under {@code parent} (its own, or a new one to move it) with {@code fields} set. */
    public void existing(String name, String parent, Map<String, String> fields) {
        Map<String, String> checked = new LinkedHashMap<>();
        fields.forEach((k, v) -> {
            if (!k.matches("[A-Za-z]+") || !v.matches("[A-Za-z0-9=,/.:_-]+")) {
                throw new IllegalArgumentException("not a load field: " + k + "=" + v);
            }
            checked.put(k, v);
        });
        existing.put(SlurmNames.account(name), new ExistingLine(SlurmNames.account(name), SlurmNames.account(parent), checked));
    }

    /** The bare lines of existing accounts, by name. */
    public Map<String, ExistingLine> existing() {
        return java.util.Collections.unmodifiableMap(existing);
    }

    /** An association of {@code user} to {@code account}, with the user's DefaultAccount (null: leave SLURM's). */
    public void user(String user, String account, String defaultAccount) {
        users.computeIfAbsent(SlurmNames.account(account), k -> new LinkedHashSet<>()).add(SlurmNames.user(user));
        if (defaultAccount != null) {
            defaultAccounts.putIfAbsent(user, SlurmNames.account(defaultAccount));
        }
    }

    /**
     * The association of {@code user} with {@code account} gets MaxTRESMins {@code tres} ({@code -1}: cleared). A
     * load changes it on an existing association and commits it when the file has no Account lines
     * (examples/slurm-sandbox/FINDINGS.md §2b); the caller names only associations that exist.
     */
    public void userLimits(String user, String account, Map<String, Long> tres) {
        user(user, account, null);
        for (String t : tres.keySet()) {
            if (!t.matches("[A-Za-z0-9_]+(/[A-Za-z0-9_.:-]+)?")) {
                throw new IllegalArgumentException("not a TRES name: '" + t + "'");
            }
        }
        maxTresMins.put(SlurmNames.account(account) + "|" + SlurmNames.user(user), TresString.format(tres));
    }

    /** Adds every line of {@code other} (an account or association named twice is written once). */
    public void addAll(LoadFile other) {
        other.accounts.forEach(accounts::putIfAbsent);
        other.users.forEach((account, names) -> users.computeIfAbsent(account, k -> new LinkedHashSet<>()).addAll(names));
        other.defaultAccounts.forEach(defaultAccounts::putIfAbsent);
        other.existing.forEach(existing::putIfAbsent);
        other.maxTresMins.forEach(maxTresMins::putIfAbsent);
    }

    /** The account lines, by name. */
    public Map<String, AccountLine> accounts() {
        return java.util.Collections.unmodifiableMap(accounts);
    }

    /** Users by the account they get an association with. */
    public Map<String, Set<String>> associations() {
        return java.util.Collections.unmodifiableMap(users);
    }

    /** Every user this file gives an association. */
    public Set<String> users() {
        Set<String> out = new LinkedHashSet<>();
        users.values().forEach(out::addAll);
        return out;
    }

    public boolean isEmpty() {
        return accounts.isEmpty() && users.isEmpty() && existing.isEmpty();
    }

    public int lines() {
        return accounts.size() + existing.size() + users.values().stream().mapToInt(Set::size).sum();
    }

    /** The file text; {@code clusterName} is the cluster the lines apply to. */
    public String render(String clusterName) {
        if (clusterName == null || clusterName.isBlank()) {
            throw new IllegalStateException("sacctmgr load needs the cluster name (cluster_name or the snapshot's)");
        }
        StringBuilder out = new StringBuilder("Cluster - '").append(SlurmNames.other("cluster", clusterName)).append("'\n");
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        for (String parent : treeOrderParents()) {
            blocks.put(parent, new ArrayList<>());
        }
        for (AccountLine a : accounts.values()) {
            StringBuilder line = new StringBuilder("Account - '").append(a.name()).append("'")
                    .append(":Description='").append(a.description()).append("'")
                    .append(":Organization='").append(a.organization()).append("'");
            if (!a.grpTresMins().isEmpty()) {
                // quoted: a TRES name may hold ':' (gres/gpu:a100), the field separator; SLURM reads a quoted
                // value whole (examples/slurm-sandbox/FINDINGS.md, "sacctmgr load")
                line.append(":GrpTRESMins='").append(TresString.format(a.grpTresMins())).append("'");
            }
            blocks.get(a.parent()).add(line.toString());
        }
        for (ExistingLine e : existing.values()) {
            StringBuilder line = new StringBuilder("Account - '").append(e.name()).append("'");
            e.fields().forEach((k, v) -> line.append(':').append(k).append("='").append(v).append("'"));
            blocks.get(e.parent()).add(line.toString());
        }
        users.forEach((account, names) -> {
            List<String> block = blocks.computeIfAbsent(account, k -> new ArrayList<>());
            for (String u : names) {
                String d = defaultAccounts.get(u);
                String max = maxTresMins.get(account + "|" + u);
                block.add("User - '" + u + "'" + (d != null ? ":DefaultAccount='" + d + "'" : "")
                        + (max != null ? ":MaxTRESMins='" + max + "'" : ""));
            }
        });
        blocks.forEach((parent, lines) -> {
            if (!lines.isEmpty()) {
                out.append("Parent - '").append(parent).append("'\n");
                lines.forEach(l -> out.append(l).append('\n'));
            }
        });
        return out.toString();
    }

    /** Parents ordered so that an account created in this file appears before its own block. */
    private List<String> treeOrderParents() {
        List<String> order = new ArrayList<>();
        Set<String> pending = new LinkedHashSet<>();
        accounts.values().forEach(a -> pending.add(a.parent()));
        existing.values().forEach(e -> pending.add(e.parent()));
        while (!pending.isEmpty()) {
            boolean progressed = false;
            for (String p : new ArrayList<>(pending)) {
                AccountLine self = accounts.get(p);
                if (self == null || order.contains(self.parent())) {
                    order.add(p);
                    pending.remove(p);
                    progressed = true;
                }
            }
            if (!progressed) {
                throw new IllegalStateException("account parents form a cycle: " + pending);
            }
        }
        return order;
    }

    /**
     * Description text safe for both argv and load files: printable ASCII only, no quotes or colons (the load
     * format's delimiters), whitespace runs (newlines included) folded to one space, at most 200 characters.
     */
    public static String clean(String text) {
        if (text == null) {
            return "";
        }
        String s = text.replaceAll("[^\\x20-\\x7E]", " ").replaceAll("['\":]", " ").replaceAll("\\s+", " ").trim();
        return s.length() > 200 ? s.substring(0, 200).trim() : s;
    }
}
