package org.waldur.agent.slurm;

import org.waldur.agent.config.SlurmSettings;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Builds every SLURM command the agent runs, so the rules cannot be forgotten at a call site:
 * sacctmgr always gets {@code --parsable2 --noheader --immediate}; sacct {@code --parsable2 --noheader};
 * every entity name passes {@link SlurmNames} first; {@code cluster=<name>} scopes sacctmgr (before {@code set}
 * in modify commands) and {@code --cluster(s)=} the job tools; the configured command prefix
 * ({@code docker exec <container>}, {@code ssh head01}) is prepended to everything, home directories included.
 */
public final class SlurmCommands {
    private static final List<String> SACCTMGR_FLAGS = List.of("--parsable2", "--noheader", "--immediate");
    /** Characters of one comma-separated account argument: well under the kernel's limits (one argument ≤ 128 KB). */
    public static final int MAX_ACCOUNT_LIST_CHARS = 100_000;
    private final SlurmSettings settings;

    public SlurmCommands(SlurmSettings settings) {
        this.settings = settings;
    }

    // ---- reads -------------------------------------------------------------------------------------------

    public SlurmCommand listTres() {
        return sacctmgr(false, List.of("list", "tres"), false);
    }

    /** All associations of the cluster: the cycle's one snapshot. */
    public SlurmCommand associations() {
        return sacctmgr(false, List.of("show", "association", "format=Cluster,Account,ParentName,User,GrpTRESMins,QOS"), true);
    }

    /** Associations of some accounts only (comma list; one process however many). */
    public SlurmCommand associations(Collection<String> accounts) {
        return sacctmgr(false, List.of("show", "association", "where", "account=" + accounts(accounts),
                "format=Cluster,Account,ParentName,User,GrpTRESMins,QOS"), true);
    }

    /** Account → organization, for accounts that 0.2.x agents linked to their project only by organization. */
    public SlurmCommand accountOrganizations() {
        return sacctmgr(false, List.of("list", "account", "format=Account,Organization"), false);
    }

    /** Job ids of pending/running jobs under the accounts (slurmctld answers, no slurmdbd round trip). */
    public SlurmCommand activeJobs(Collection<String> accounts) {
        List<String> args = new ArrayList<>(List.of("-h", "-A", accounts(accounts), "-o", "%A"));
        return tool("squeue", false, args, "--clusters");
    }

    /**
     * Pending/running jobs under the accounts as {@code id|account|user} lines, for any user: the caller keeps the
     * (account, user) pairs it wants. No {@code -u}: one user unknown to Linux would fail the whole squeue.
     */
    public SlurmCommand activeJobsByUser(Collection<String> accounts) {
        return tool("squeue", false, List.of("-h", "-A", accounts(accounts), "-o", "%A|%a|%u"), "--clusters");
    }

    /** Job ids of one user's pending/running jobs under one account. */
    public SlurmCommand activeJobs(String user, String account) {
        return tool("squeue", false, List.of("-h", "-u", SlurmNames.user(user), "-A", SlurmNames.account(account),
                "-o", "%A"), "--clusters");
    }

    /**
     * Usage of a reporting window for many accounts in one process. Both ends are given (without {@code --endtime}
     * sacct's window can collapse to nothing), {@code --truncate} clips jobs to the window (else a job spanning two
     * months is counted in both), {@code --allocations} keeps only the job rows (never its steps), and
     * {@code --noconvert} keeps memory in MB (examples/slurm-sandbox/FINDINGS.md §6 for the rows as measured).
     */
    public SlurmCommand sacct(String start, String end, Collection<String> accounts) {
        String tres = settings.usageBasis() == SlurmSettings.UsageBasis.ALLOCATED ? "AllocTRES" : "ReqTRES";
        return tool("sacct", false, List.of("--parsable2", "--noheader", "--noconvert", "--truncate", "--allocations",
                "--allusers", "--starttime=" + start, "--endtime=" + end, "--accounts=" + accounts(accounts),
                "--format=Account," + tres + ",Elapsed,User"), "--cluster").withStreamedOutput();
    }

    // ---- writes ------------------------------------------------------------------------------------------

    /** One {@code sacctmgr load}: adds what is missing and changes what differs, however many lines. */
    public SlurmCommand load(LoadFile file) {
        return new SlurmCommand(prefixed(bin("sacctmgr"), concat(SACCTMGR_FLAGS, List.of("load", "file=/dev/stdin"))),
                true, file.render(clusterOr(file.cluster())));
    }

    public SlurmCommand addAccount(String name, String description, String organization, String parent,
                                   Map<String, Long> grpTresMins) {
        List<String> args = new ArrayList<>(List.of("add", "account", SlurmNames.account(name),
                "description=" + LoadFile.clean(description), "organization=" + SlurmNames.account(organization)));
        if (parent != null && !parent.isEmpty()) {
            args.add("parent=" + SlurmNames.account(parent));
        }
        if (grpTresMins != null && !grpTresMins.isEmpty()) {
            args.add("GrpTRESMins=" + TresString.format(grpTresMins));
        }
        return sacctmgr(true, args, true);
    }

    public SlurmCommand setLimits(String account, Map<String, Long> grpTresMins) {
        return modifyAccount(account, "GrpTRESMins=" + TresString.format(grpTresMins));
    }

    /**
     * The account's QoS list becomes exactly {@code qos} (on its user associations too), and so does its DefaultQOS:
     * with a DefaultQOS outside the new list sacctmgr changes nothing yet exits 0 (slurm-sandbox FINDINGS §5), and
     * without one a job asking for no QoS would not land on the only QoS it may use.
     */
    public SlurmCommand setQos(String account, String qos) {
        return setQos(List.of(account), qos);
    }

    /** {@link #setQos(String, String)} for several accounts in one process ({@code where name=a,b,c}). */
    public SlurmCommand setQos(Collection<String> accounts, String qos) {
        return modifyAccounts(accounts(accounts), "qos=" + SlurmNames.account(qos), "defaultqos=" + qos);
    }

    /** Policy {@code common}: the users' association with {@code default_account}, in one process. */
    public SlurmCommand addDefaultAssociations(Collection<String> users) {
        return addUsers(users, settings.defaultAccount(), null, List.of());
    }

    /** Several users to one account in one process: {@code add user a,b account=X …}. */
    public SlurmCommand addUsers(Collection<String> users, String account, String defaultAccount, List<String> partitions) {
        List<String> names = users.stream().map(SlurmNames::user).sorted().toList();
        List<String> args = new ArrayList<>(List.of("add", "user", String.join(",", names), "account=" + SlurmNames.account(account)));
        if (defaultAccount != null) {
            args.add("DefaultAccount=" + SlurmNames.account(defaultAccount));
        }
        if (partitions != null && !partitions.isEmpty()) {
            args.add((partitions.size() == 1 ? "Partition=" : "Partitions=")
                    + String.join(",", partitions.stream().map(p -> SlurmNames.other("partition", p)).sorted().toList()));
        }
        if (partitions == null || partitions.size() != 1) {
            args.add("Share=parent");
        }
        return sacctmgr(true, args, true);
    }

    public SlurmCommand removeUser(String user, String account) {
        return sacctmgr(true, List.of("remove", "user", "where", "name=" + SlurmNames.user(user), "and",
                "account=" + SlurmNames.account(account)), true);
    }

    /** Removes accounts (and with them their user associations); one process for the whole list. */
    public SlurmCommand removeAccounts(Collection<String> names) {
        return sacctmgr(true, List.of("remove", "account", "where", "name=" + accounts(names)), true);
    }

    public SlurmCommand cancelJobs(Collection<String> jobIds) {
        List<String> args = new ArrayList<>();
        for (String id : jobIds) {
            if (!id.matches("[0-9_]+")) {
                throw new IllegalArgumentException("not a job id: '" + id + "'");
            }
            args.add(id);
        }
        return tool("scancel", true, args, "--clusters");
    }

    /** {@code -f} is {@code --full}: signal the batch shell too, not "force". */
    public SlurmCommand cancelUserJobs(String user, String account) {
        return tool("scancel", true, List.of("-u", SlurmNames.user(user), "-A", SlurmNames.account(account), "-f"), "--clusters");
    }

    /** Home directory: absolute {@code /sbin/mkhomedir_helper}, no bin path, but the command prefix still applies. */
    public SlurmCommand mkhomedir(String user, String umask) {
        return new SlurmCommand(prefixed("/sbin/mkhomedir_helper", List.of(SlurmNames.user(user), umask)), true, null);
    }

    /**
     * Account names cut into lists that each fit one argument ({@link #MAX_ACCOUNT_LIST_CHARS}); one list for any
     * ordinary site, so a comma-list command stays one process.
     */
    public static List<List<String>> chunks(Collection<String> accounts) {
        List<List<String>> out = new ArrayList<>();
        List<String> chunk = new ArrayList<>();
        int chars = 0;
        for (String a : accounts) {
            if (!chunk.isEmpty() && chars + a.length() + 1 > MAX_ACCOUNT_LIST_CHARS) {
                out.add(chunk);
                chunk = new ArrayList<>();
                chars = 0;
            }
            chunk.add(a);
            chars += a.length() + 1;
        }
        if (!chunk.isEmpty()) {
            out.add(chunk);
        }
        return out;
    }

    // ---- plumbing ----------------------------------------------------------------------------------------

    private SlurmCommand modifyAccount(String account, String... settingsToSet) {
        return modifyAccounts(SlurmNames.account(account), settingsToSet);
    }

    private SlurmCommand modifyAccounts(String checkedNames, String... settingsToSet) {
        List<String> args = new ArrayList<>(List.of("modify", "account", "where", "name=" + checkedNames));
        if (settings.clusterName() != null) {
            args.add("cluster=" + settings.clusterName());
        }
        args.add("set");
        args.addAll(List.of(settingsToSet));
        return new SlurmCommand(prefixed(bin("sacctmgr"), concat(SACCTMGR_FLAGS, args)), true, null);
    }

    private SlurmCommand sacctmgr(boolean mutating, List<String> args, boolean clusterScoped) {
        List<String> all = new ArrayList<>(args);
        if (clusterScoped && settings.clusterName() != null) {
            all.add("cluster=" + settings.clusterName());
        }
        return new SlurmCommand(prefixed(bin("sacctmgr"), concat(SACCTMGR_FLAGS, all)), mutating, null);
    }

    private SlurmCommand tool(String name, boolean mutating, List<String> args, String clusterFlag) {
        List<String> all = new ArrayList<>();
        if (settings.clusterName() != null) {
            all.add(clusterFlag + "=" + settings.clusterName());
        }
        all.addAll(args);
        return new SlurmCommand(prefixed(bin(name), all), mutating, null);
    }

    private String clusterOr(String fromSnapshot) {
        return settings.clusterName() != null ? settings.clusterName() : fromSnapshot;
    }

    private String bin(String tool) {
        String dir = settings.slurmBinPath();
        return dir == null || dir.isEmpty() ? tool : dir.replaceAll("/+$", "") + "/" + tool;
    }

    private List<String> prefixed(String executable, List<String> args) {
        List<String> argv = new ArrayList<>(settings.commandPrefix());
        argv.add(executable);
        argv.addAll(args);
        return argv;
    }

    private static String accounts(Collection<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("no accounts given");
        }
        return String.join(",", names.stream().map(SlurmNames::account).toList());
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
