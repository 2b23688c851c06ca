package org.waldur.agent.slurm;

import org.waldur.agent.config.SlurmSettings;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.ZoneId;
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
    private static final DateTimeFormatter UTC_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    /** The association columns {@link AssociationSnapshot#parse} reads, in its order. */
    private static final String ASSOCIATION_FORMAT = "format=Cluster,Account,ParentName,User,GrpTRESMins,QOS,MaxTRESMins,Fairshare";
    private final SlurmSettings settings;

    public SlurmCommands(SlurmSettings settings) {
        this.settings = settings;
    }

    // ---- reads -------------------------------------------------------------------------------------------

    /** The clusters slurmdbd knows, one name a line (diagnostics: is SLURM reachable, is cluster_name one of them). */
    public SlurmCommand clusters() {
        return sacctmgr(false, List.of("list", "cluster", "format=Cluster"), false);
    }

    public SlurmCommand listTres() {
        return sacctmgr(false, List.of("list", "tres"), false);
    }

    /** All associations of the cluster: the cycle's one snapshot. */
    public SlurmCommand associations() {
        return sacctmgr(false, List.of("show", "association", ASSOCIATION_FORMAT), true);
    }

    /** Associations of some accounts only (comma list; one process however many). */
    public SlurmCommand associations(Collection<String> accounts) {
        return sacctmgr(false, List.of("show", "association", "where", "account=" + accounts(accounts),
                ASSOCIATION_FORMAT), true);
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
     * sacct reads its naive window in the TZ of its own process (FINDINGS.md §20), so it runs as
     * {@code env TZ=<zone> sacct}: the window then means the same hours as the month the agent chose in
     * {@code zone}, behind any command prefix.
     */
    public SlurmCommand sacct(ZoneId zone, String start, String end, Collection<String> accounts) {
        String tres = settings.usageBasis() == SlurmSettings.UsageBasis.ALLOCATED ? "AllocTRES" : "ReqTRES";
        SlurmCommand sacct = tool("sacct", false, List.of("--parsable2", "--noheader", "--noconvert", "--truncate",
                "--allocations", "--allusers", "--starttime=" + start, "--endtime=" + end,
                "--accounts=" + accounts(accounts), "--format=Account," + tres + ",Elapsed,User"), "--cluster");
        List<String> argv = new ArrayList<>(sacct.argv());
        // a ZoneId's text is letters, digits, '/', '_', '+', '-' only: safe as one argv token
        argv.addAll(settings.commandPrefix().size(), List.of("env", "TZ=" + zone.getId()));
        return new SlurmCommand(argv, false, null).withStreamedOutput();
    }

    /**
     * The AUDITOR collector's job read (auditor.md §3.1): AUDITOR's flags ({@code -a --noconvert --noheader -P}, the
     * job filter as {@code -s -r -u -g -A}) but run as {@code env TZ=UTC SLURM_TIME_FORMAT=%s sacct}: the window is
     * read in UTC and every time is printed as epoch seconds, so no local offset or DST switch can shift a record
     * (AUDITOR #249). A closed window ({@code -E} explicit): the caller's next window starts from this end.
     * The job filter values are AUDITOR's comma lists, checked as SLURM names before they reach sacct.
     */
    public static SlurmCommand auditorJobs(List<String> keys, Instant from, Instant to,
                                           Map<String, List<String>> jobFilter) {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/env", "TZ=UTC", "SLURM_TIME_FORMAT=%s", "sacct",
                "-a", "--format", String.join(",", keys.stream().map(SlurmCommands::sacctField).toList()),
                "--noconvert", "--noheader", "-S", utc(from), "-E", utc(to), "-P"));
        String[][] flags = {{"status", "-s"}, {"partition", "-r"}, {"user", "-u"}, {"group", "-g"}, {"account", "-A"}};
        for (String[] f : flags) {
            List<String> values = jobFilter.getOrDefault(f[0], List.of());
            if (!values.isEmpty()) {
                argv.add(f[1]);
                argv.add(String.join(",", values.stream().map(v -> SlurmNames.other("job_filter." + f[0], v)).toList()));
            }
        }
        return new SlurmCommand(argv, false, null);
    }

    private static String utc(Instant t) {
        return UTC_SECONDS.format(t);
    }

    /** A sacct field name: letters, digits and '_' only (it becomes part of one {@code --format} token). */
    private static String sacctField(String key) {
        if (!key.matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a sacct field name: '" + key + "'");
        }
        return key;
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

    /**
     * RawUsage of the accounts back to 0 in one process (examples/slurm-sandbox/FINDINGS.md §24: rc 0, {@code sshare}
     * then shows 0 for the accounts, their users and their parents' share of it; rc 1 when an account is missing).
     */
    public SlurmCommand resetRawUsage(Collection<String> accounts) {
        return modifyAccounts(accounts(accounts), "RawUsage=0");
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
        return setQos(accounts, qos, qos);
    }

    /** The accounts' QoS list becomes {@code qosList} ({@code high,normal}) with DefaultQOS {@code defaultQos}. */
    public SlurmCommand setQos(Collection<String> accounts, String qosList, String defaultQos) {
        String list = String.join(",", java.util.Arrays.stream(qosList.split(",")).map(SlurmNames::account).toList());
        return modifyAccounts(accounts(accounts), "qos=" + list, "defaultqos=" + SlurmNames.account(defaultQos));
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

    /**
     * Every association of {@code users × accounts} in one process ({@code remove user where name=a,b account=x,y};
     * pairs that do not exist are skipped). Refused as a whole when it would remove a user's default association
     * together with another of theirs (examples/slurm-sandbox/FINDINGS.md §2, §2a): the caller plans rounds.
     */
    public SlurmCommand removeUsers(Collection<String> users, Collection<String> accounts) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("no users given");
        }
        return sacctmgr(true, List.of("remove", "user", "where", "name=" + String.join(",", users.stream().map(SlurmNames::user).toList()),
                "account=" + accounts(accounts)), true);
    }

    /** Users' DefaultAccount as {@code user|account} lines (empty account: none), one process for the list. */
    public SlurmCommand defaultAccounts(Collection<String> users) {
        return sacctmgr(false, List.of("show", "user", "where", "name=" + String.join(",", users.stream().map(SlurmNames::user).toList()),
                "format=User,DefaultAccount"), true);
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
