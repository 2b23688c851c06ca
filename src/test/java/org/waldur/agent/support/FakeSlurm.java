package org.waldur.agent.support;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;

import org.waldur.agent.slurm.TresString;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * A stateful stand-in for sacctmgr/squeue/scancel for fast route tests: it answers the argv the agent builds
 * with the outputs and exit codes measured on SLURM 22.05 (examples/slurm-sandbox/FINDINGS.md) and keeps accounts, parents,
 * limits and associations, so a test can assert what SLURM would hold. Installed on the mocked exec endpoint.
 * The real-SLURM suites (*IT) prove the same flows against the real binaries.
 */
public final class FakeSlurm implements Processor {
    public static final class Acct {
        public String parent = "";
        public String org = "";
        public String descr = "";
        public final Map<String, String> limits = new TreeMap<>();
        public String qos = "normal";
        public final Set<String> users = new LinkedHashSet<>();
        /** Fairshare and MaxTRESMins (TRES → minutes) of the account association; RawUsage as sshare shows it. */
        public String fairshare = "1";
        public final Map<String, String> maxTresMins = new TreeMap<>();
        public long rawUsage;
        /** User → MaxTRESMins as SLURM prints it. */
        public final Map<String, String> userLimits = new TreeMap<>();
    }

    public final Map<String, Acct> accounts = new LinkedHashMap<>();
    public final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
    public final Set<String> tres = new LinkedHashSet<>(List.of("cpu", "mem", "energy", "node", "billing", "fs/disk", "vmem", "pages", "gres/gpu"));
    public final List<String> runningJobs = new ArrayList<>(); // "id|account|user"
    /** user → DefaultAccount: a new user's first association, as SLURM does; it blocks removing that account. */
    public final Map<String, String> defaultAccounts = new LinkedHashMap<>();
    /**
     * Whether the command being answered named its cluster. SLURM 22.05 twice refused an unscoped
     * {@code remove account} of a user's DefaultAccount (examples/slurm-sandbox/FINDINGS.md §18); the emulator
     * refuses every unscoped one, so the agent's way around it is always exercised.
     */
    private boolean clusterScoped;
    /** The files of every {@code sacctmgr load}, in order. */
    public final List<String> loads = Collections.synchronizedList(new ArrayList<>());
    /** sacct rows ({@code Account|ReqTRES|Elapsed|User}) by month {@code YYYY-MM} of --starttime. */
    public final Map<String, List<String>> sacctRows = new LinkedHashMap<>();
    /** The zone of the host sacct runs on: it reads a naive window there unless it runs under {@code env TZ=}. */
    public ZoneId hostZone = ZoneOffset.UTC;
    /** Every sacct window as sacct understood it: naive times placed in the zone it ran in. */
    public final List<Window> sacctWindows = Collections.synchronizedList(new ArrayList<>());

    public record Window(ZonedDateTime start, ZonedDateTime end) {
    }
    private Predicate<List<String>> failWhen = a -> false;
    private Predicate<String> failLoadWhen = f -> false;
    private Predicate<List<String>> outageWhen = a -> false;
    private Predicate<String> swallowLoadWhen = f -> false;
    private Predicate<List<String>> swallowWhen = a -> false;
    private String cluster = "sandbox";

    public FakeSlurm() {
        Acct root = new Acct();
        root.org = "root";
        root.descr = "default root account";
        accounts.put("root", root);
        root.users.add("root");
    }

    /** Make matching commands fail with an error message (exit 1), e.g. to break one account's creation. */
    public void failWhen(Predicate<List<String>> p) {
        failWhen = p;
    }

    /**
     * An outage for matching commands: they answer as sacctmgr does while slurmdbd is unreachable (measured,
     * examples/slurm-sandbox/FINDINGS.md §9): exit 1 and "Connection refused", nothing applied.
     */
    public void outageWhen(Predicate<List<String>> p) {
        outageWhen = p;
    }

    /**
     * A load whose file matches answers as if applied (exit 0, "For cluster …") but changes nothing — what the
     * agent met with a command prefix that lost stdin, or a write SLURM dropped: only a fresh read can tell.
     */
    public void swallowLoadWhen(Predicate<String> file) {
        swallowLoadWhen = file;
    }

    /** Matching commands (a modify, a remove) answer exit 0 but change nothing: only a fresh read can tell. */
    public void swallowWhen(Predicate<List<String>> p) {
        swallowWhen = p;
    }

    /** Make a {@code sacctmgr load} whose file matches fail (exit 1), e.g. a batch holding one bad account. */
    public void failLoadWhen(Predicate<String> file) {
        failLoadWhen = file;
    }

    public long count(String tool) {
        synchronized (calls) {
            return calls.stream().filter(c -> tool(c).equals(tool)).count();
        }
    }

    public long count(String tool, String verb) {
        synchronized (calls) {
            return calls.stream().filter(c -> tool(c).equals(tool) && verbs(c).contains(verb)).count();
        }
    }

    public long total() {
        return calls.size();
    }

    @Override
    public void process(Exchange exchange) {
        String exe = exchange.getMessage().getHeader("CamelExecCommandExecutable", String.class);
        @SuppressWarnings("unchecked")
        List<String> args = exchange.getMessage().getHeader("CamelExecCommandArgs", List.class);
        List<String> argv = new ArrayList<>();
        argv.add(exe);
        argv.addAll(args);
        String stdin = exchange.getMessage().getBody(String.class);
        calls.add(argv);
        if (argv.contains("load")) {
            loads.add(stdin);
        }
        String[] out;
        synchronized (this) {
            boolean fail = failWhen.test(argv) || (argv.contains("load") && stdin != null && failLoadWhen.test(stdin));
            if (swallowWhen.test(argv)) {
                out = new String[]{"0", ""};
            } else if (argv.contains("load") && stdin != null && swallowLoadWhen.test(stdin)) {
                out = new String[]{"0", "For cluster " + cluster + "\n Done adding cluster objects\n"};
            } else if (outageWhen.test(argv)) {
                out = new String[]{"1", "", "sacctmgr: error: slurm_persist_conn_open_without_init: failed to open persistent "
                        + "connection to host:localhost:6819: Connection refused\nsacctmgr: error: Sending PersistInit msg: Connection refused\n"};
            } else {
                out = fail ? new String[]{"1", " Error with request: forced failure\n"} : run(argv, stdin);
            }
        }
        exchange.getMessage().setHeader("CamelExecExitValue", Integer.parseInt(out[0]));
        exchange.getMessage().setBody(out[1]);
        exchange.getMessage().setHeader("CamelExecStderr", out.length > 2 ? out[2] : null);
    }

    static String tool(List<String> argv) {
        for (String a : argv) {
            String base = a.substring(a.lastIndexOf('/') + 1);
            if (Set.of("sacctmgr", "sacct", "squeue", "scancel", "mkhomedir_helper").contains(base)) {
                return base;
            }
        }
        return argv.get(0);
    }

    private static List<String> verbs(List<String> argv) {
        return argv.stream().filter(a -> !a.startsWith("-")).toList();
    }

    private String[] run(List<String> argv, String stdin) {
        String tool = tool(argv);
        List<String> a = new ArrayList<>(argv.subList(argv.indexOf(argv.stream().filter(x -> x.endsWith(tool)).findFirst().orElseThrow()) + 1, argv.size()));
        a.removeIf(x -> x.startsWith("--") && !x.contains("="));
        clusterScoped = a.stream().anyMatch(x -> x.startsWith("cluster="));
        a.removeIf(x -> x.startsWith("cluster=") || x.startsWith("--cluster"));
        return switch (tool) {
            case "sacctmgr" -> sacctmgr(a, stdin);
            case "squeue" -> squeue(a);
            case "scancel" -> scancel(a);
            case "sacct" -> sacct(a, argv.stream().filter(x -> x.startsWith("TZ=")).findFirst()
                    .map(x -> ZoneId.of(x.substring(3))).orElse(hostZone));
            default -> new String[]{"0", ""};
        };
    }

    private String[] sacctmgr(List<String> a, String stdin) {
        String verb = a.get(0) + " " + a.get(1);
        switch (verb) {
            case "list cluster":
                return ok(cluster + "\n");
            case "list tres":
                StringBuilder t = new StringBuilder();
                int id = 1;
                for (String x : tres) {
                    String[] p = x.split("/");
                    t.append(p[0]).append('|').append(p.length > 1 ? p[1] : "").append('|').append(id++).append('\n');
                }
                return ok(t.toString());
            case "show association":
                StringBuilder s = new StringBuilder();
                Set<String> only = a.stream().filter(x -> x.startsWith("account=")).findFirst()
                        .map(x -> Set.of(x.substring(8).split(","))).orElse(null);
                accounts.forEach((name, acc) -> {
                    if (only != null && !only.contains(name)) {
                        return;
                    }
                    s.append(cluster).append('|').append(name).append('|').append(acc.parent).append("||")
                            .append(String.join(",", acc.limits.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList()))
                            .append('|').append(acc.qos).append('|').append(tresText(acc.maxTresMins)).append('|')
                            .append(acc.fairshare).append('\n');
                    acc.users.forEach(u -> s.append(cluster).append('|').append(name).append("||").append(u).append("||").append(acc.qos)
                            .append('|').append(acc.userLimits.getOrDefault(u, "")).append("|parent\n"));
                });
                return ok(s.toString());
            case "list account":
                StringBuilder l = new StringBuilder();
                accounts.forEach((name, acc) -> l.append(name).append('|').append(acc.org).append('\n'));
                return ok(l.toString());
            case "load file=/dev/stdin":
                return load(stdin);
            case "add account":
                return addAccounts(List.of(a.get(2).split(",")), kv(a));
            case "modify account":
                return modify(a);
            case "remove account":
                return removeAccounts(a);
            case "add user":
                return addUsers(List.of(a.get(2).split(",")), kv(a));
            case "remove user":
                return removeUser(a);
            case "show user":
                return showUsers(a);
            default:
                return new String[]{"1", " Unknown option: " + verb + "\n"};
        }
    }

    /**
     * {@code sacctmgr load} as SLURM 22.05 answers it (examples/slurm-sandbox/FINDINGS.md, "sacctmgr load"): the
     * Cluster line comes first or nothing happens; lines apply in order, so a {@code Parent} that neither exists
     * nor was created earlier in the file stops there — what came before it is applied (partial apply), rc 1,
     * and " Nothing new added." when nothing did. A bad TRES aborts the whole file.
     */
    private String[] load(String file) {
        List<String> lines = file == null ? List.of() : file.lines().toList();
        if (lines.isEmpty() || lines.stream().allMatch(String::isBlank)) {
            return ok(" Nothing new added.\n");
        }
        if (!lines.get(0).strip().startsWith("Cluster - ")) {
            return new String[]{"1", " Nothing new added.\n",
                    " You need to specify a cluster name first with 'Cluster - $NAME' in your file\n"};
        }
        String head = "For cluster " + lines.get(0).strip().substring(10).replace("'", "") + "\n";
        String parent = "root";
        Set<String> declared = new LinkedHashSet<>(accounts.keySet());
        List<Runnable> apply = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        int added = 0;
        String error = null;
        for (int n = 1; n < lines.size() && error == null; n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            List<String> parts = fields(line);
            String[] kind = parts.get(0).split(" - ", 2);
            String name = kind[1].replace("'", "");
            Map<String, String> opts = new LinkedHashMap<>();
            for (int i = 1; i < parts.size(); i++) {
                String[] kv = parts.get(i).split("=", 2);
                opts.put(kv[0], kv[1].replace("'", ""));
            }
            switch (kind[0]) {
                case "Parent" -> {
                    if (!declared.contains(name)) {
                        error = " line(" + (n + 1) + ") You need to add this parent (" + name + ") as a child before you can add children to it.\n";
                    }
                    parent = name;
                }
                case "Account" -> {
                    String p = parent;
                    for (String field : List.of("GrpTRESMins", "MaxTRESMins")) {
                        for (String pair : opts.getOrDefault(field, "").isEmpty() ? new String[0] : opts.get(field).split(",")) {
                            String type = pair.substring(0, pair.lastIndexOf('='));
                            if (!tres.contains(type)) {
                                return new String[]{"1", head, "sacctmgr: error: slurmdb_format_tres_str: no TRES known by type " + type + "\n Problem with requests: Unspecified error\n"};
                            }
                        }
                    }
                    if (declared.add(name)) {
                        added++;
                    }
                    boolean existed = accounts.containsKey(name);
                    // SLURM 22.05 reports but does not commit a change to an existing account when the same file also
                    // adds users or accounts (FINDINGS §17, §24)
                    boolean withUsers = file.contains("\nUser - ") || file.lines().anyMatch(l -> l.startsWith("Account - ")
                            && !accounts.containsKey(l.substring(11, l.indexOf('\'', 11))));
                    if (existed && !p.equals(accounts.get(name).parent)) {
                        changed.add(" Changed Parent                for Account " + name + "     " + accounts.get(name).parent + " -> " + p + "\n");
                    }
                    apply.add(() -> {
                        if (existed && withUsers) {
                            return; // reported as changed, not committed (see withUsers)
                        }
                        Acct acc = accounts.computeIfAbsent(name, k -> new Acct());
                        acc.parent = p; // an existing account under another Parent line is re-parented (FINDINGS §1, §24)
                        acc.fairshare = opts.getOrDefault("Fairshare", acc.fairshare);
                        if (opts.containsKey("MaxTRESMins")) {
                            merge(acc.maxTresMins, opts.get("MaxTRESMins"));
                        }
                        acc.org = opts.getOrDefault("Organization", acc.org).toLowerCase();
                        acc.descr = opts.getOrDefault("Description", acc.descr).toLowerCase();
                        if (opts.containsKey("GrpTRESMins")) {
                            merge(acc.limits, opts.get("GrpTRESMins"));
                        }
                    });
                }
                case "User" -> {
                    String p = parent;
                    String max = opts.get("MaxTRESMins");
                    apply.add(() -> {
                        defaultAccounts.putIfAbsent(name, p);
                        accounts.get(p).users.add(name);
                        if (max != null) { // FINDINGS §2b: committed on an existing association, -1 clears a TRES
                            Map<String, String> now = new TreeMap<>(TresString.parse(accounts.get(p).userLimits.getOrDefault(name, "")));
                            TresString.parse(max).forEach((k, v) -> {
                                if (v.equals("-1")) {
                                    now.remove(k);
                                } else {
                                    now.put(k, v);
                                }
                            });
                            String joined = String.join(",", now.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
                            if (joined.isEmpty()) {
                                accounts.get(p).userLimits.remove(name);
                            } else {
                                accounts.get(p).userLimits.put(name, joined);
                            }
                        }
                    });
                    added++;
                }
                default -> {
                    return new String[]{"1", head, " Problem with line(" + (n + 1) + ")\n"};
                }
            }
        }
        apply.forEach(Runnable::run);
        if (error != null) {
            return new String[]{"1", head + (apply.isEmpty() ? " Nothing new added.\n" : " Done adding cluster objects\n"), error};
        }
        if (added == 0 && !changed.isEmpty()) {
            return ok(head + String.join("", changed));
        }
        return ok(head + (added == 0 ? " Nothing new added.\n" : " Done adding cluster objects\n"));
    }

    /**
     * A TRES list written to an existing association: the named TRES change, the others stay, {@code -1} clears one
     * (measured with a bare load line, examples/slurm-sandbox/FINDINGS.md §25).
     */
    private static void merge(Map<String, String> into, String tresList) {
        for (String pair : tresList.split(",")) {
            int eq = pair.lastIndexOf('=');
            if (pair.substring(eq + 1).equals("-1")) {
                into.remove(pair.substring(0, eq));
            } else {
                into.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
    }

    private static String tresText(Map<String, String> tres) {
        return String.join(",", tres.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
    }

    /** A load line's fields: ':' separates them except inside quotes (FINDINGS: quoted values may hold ':'). */
    private static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            if (c == ':' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }

    private String[] addAccounts(List<String> names, Map<String, String> kv) {
        String parent = kv.getOrDefault("parent", "root");
        if (!accounts.containsKey(parent)) {
            return new String[]{"1", " Parent account '" + parent + "' doesn't exist on cluster " + cluster + "\n No associations created.\n"};
        }
        int added = 0;
        for (String n : names) {
            if (!accounts.containsKey(n)) {
                Acct acc = new Acct();
                acc.parent = parent;
                acc.org = kv.getOrDefault("organization", n);
                acc.descr = kv.getOrDefault("description", n);
                accounts.put(n, acc);
                added++;
            }
        }
        return added == 0 ? new String[]{"1", " Nothing new added.\n"} : ok(" Adding Account(s)\n");
    }

    private String[] modify(List<String> a) {
        String names = a.stream().filter(x -> x.startsWith("name=")).findFirst().map(x -> x.substring(5)).orElse(a.get(2));
        boolean any = false;
        for (String name : names.split(",")) {
            any |= modify(name, a);
        }
        return any ? ok(" Modified account associations...\n") : new String[]{"1", " Nothing modified\n"};
    }

    private boolean modify(String name, List<String> a) {
        Acct acc = accounts.get(name);
        if (acc == null) {
            return false;
        }
        String setting = a.get(a.indexOf("set") + 1);
        if (setting.startsWith("GrpTRESMins=")) {
            for (String pair : setting.substring(12).split(",")) {
                String[] kv = pair.split("=");
                acc.limits.put(kv[0], kv[1]);
            }
        } else if (setting.startsWith("qos=")) {
            acc.qos = setting.substring(4);
        } else if (setting.equals("RawUsage=0")) {
            acc.rawUsage = 0;
        }
        return true;
    }

    private String[] removeAccounts(List<String> a) {
        String names = a.stream().filter(x -> x.startsWith("name=")).findFirst().orElseThrow().substring(5);
        int removed = 0;
        for (String n : names.split(",")) {
            for (String job : runningJobs) {
                if (job.split("\\|")[1].equals(n)) {
                    return new String[]{"1", " Error with request: Job(s) active, cancel job(s) before remove\n"};
                }
            }
            for (Map.Entry<String, String> d : defaultAccounts.entrySet()) {
                if (!clusterScoped && d.getValue().equals(n) && accounts.containsKey(n) && accounts.get(n).users.contains(d.getKey())) {
                    return new String[]{"1", " Error with request: You can not remove the default account of a user\n  C = "
                            + cluster + " A = " + n + " U = " + d.getKey() + "\n Changes Discarded\n"};
                }
            }
        }
        for (String n : names.split(",")) {
            if (accounts.containsKey(n)) {
                removed++;
                removeTree(n);
            }
        }
        return removed == 0 ? new String[]{"1", " Nothing deleted\n"} : ok(" Deleting accounts...\n");
    }

    /** SLURM removes an account with its whole sub-tree (issue 9: a Create's allocation vanished with its project). */
    private void removeTree(String name) {
        accounts.remove(name);
        defaultAccounts.values().removeIf(name::equals); // cluster-scoped: the users' default becomes empty
        for (String child : new ArrayList<>(accounts.keySet())) {
            if (accounts.containsKey(child) && accounts.get(child).parent.equals(name)) {
                removeTree(child);
            }
        }
    }

    private String[] addUsers(List<String> users, Map<String, String> kv) {
        Acct acc = accounts.get(kv.get("account"));
        if (acc == null) {
            return new String[]{"1", " This account '" + kv.get("account") + "' doesn't exist.\n No associations or wckeys created.\n"};
        }
        boolean any = false;
        for (String u : users) {
            defaultAccounts.putIfAbsent(u, kv.getOrDefault("defaultaccount", kv.get("account")));
            any |= acc.users.add(u);
        }
        return any ? ok(" Associations =\n") : new String[]{"1", " Nothing new added.\n"};
    }

    /**
     * {@code remove user where name=a,b account=x,y}: every existing pair of the cross product, refused as a whole
     * when it would remove a user's default association together with another of theirs (FINDINGS §2, §2a).
     */
    private String[] removeUser(List<String> a) {
        Map<String, String> kv = kv(a);
        List<String> names = List.of(kv.get("name").split(","));
        List<String> accts = List.of(kv.get("account").split(","));
        for (String job : runningJobs) {
            String[] f = job.split("\\|");
            if (accts.contains(f[1]) && names.contains(f[2])) {
                return new String[]{"1", " Error with request: Job(s) active, cancel job(s) before remove\n  JobID = " + f[0] + "\n"};
            }
        }
        List<String[]> pairs = new ArrayList<>();
        for (String n : names) {
            for (String ac : accts) {
                Acct acc = accounts.get(ac);
                if (acc != null && acc.users.contains(n)) {
                    pairs.add(new String[]{n, ac});
                }
            }
        }
        for (String n : names) {
            long mine = pairs.stream().filter(p -> p[0].equals(n)).count();
            if (mine > 1 && pairs.stream().anyMatch(p -> p[0].equals(n) && p[1].equals(defaultAccounts.get(n)))) {
                return new String[]{"1", " Error with request: You can not remove the default account of a user\n Changes Discarded\n"};
            }
        }
        for (String[] p : pairs) {
            accounts.get(p[1]).users.remove(p[0]);
            accounts.get(p[1]).userLimits.remove(p[0]);
            defaultAccounts.remove(p[0], p[1]); // removed alone, a default association may go
        }
        return pairs.isEmpty() ? new String[]{"1", " Nothing deleted\n"} : ok(" Deleting user associations...\n");
    }

    /** {@code show user where name=a,b format=User,DefaultAccount}. */
    private String[] showUsers(List<String> a) {
        StringBuilder out = new StringBuilder();
        for (String n : kv(a).get("name").split(",")) {
            boolean known = defaultAccounts.containsKey(n) || accounts.values().stream().anyMatch(x -> x.users.contains(n));
            if (known) {
                out.append(n).append('|').append(defaultAccounts.getOrDefault(n, "")).append('\n');
            }
        }
        return ok(out.toString());
    }

    private String[] squeue(List<String> a) {
        Set<String> accts = Set.of(a.get(a.indexOf("-A") + 1).split(","));
        Set<String> users = a.contains("-u") ? Set.of(a.get(a.indexOf("-u") + 1).split(",")) : null;
        boolean pairs = "%A|%a|%u".equals(a.get(a.indexOf("-o") + 1));
        StringBuilder out = new StringBuilder();
        for (String job : runningJobs) {
            String[] f = job.split("\\|");
            if (accts.contains(f[1]) && (users == null || users.contains(f[2]))) {
                out.append(pairs ? job : f[0]).append('\n');
            }
        }
        return ok(out.toString());
    }

    private String[] sacct(List<String> a, ZoneId zone) {
        sacctWindows.add(new Window(naive(a, "--starttime=", zone), naive(a, "--endtime=", zone)));
        String month = a.stream().filter(x -> x.startsWith("--starttime=")).findFirst().orElseThrow().substring(12, 19);
        Set<String> accts = Set.of(a.stream().filter(x -> x.startsWith("--accounts=")).findFirst().orElseThrow().substring(11).split(","));
        StringBuilder out = new StringBuilder();
        for (String row : sacctRows.getOrDefault(month, List.of())) {
            if (accts.contains(row.split("\\|")[0])) {
                out.append(row).append('\n');
            }
        }
        return ok(out.toString());
    }

    private String[] scancel(List<String> a) {
        if (a.contains("-A")) {
            String acct = a.get(a.indexOf("-A") + 1);
            String user = a.contains("-u") ? a.get(a.indexOf("-u") + 1) : null;
            runningJobs.removeIf(j -> j.split("\\|")[1].equals(acct) && (user == null || j.split("\\|")[2].equals(user)));
        } else {
            runningJobs.removeIf(j -> a.contains(j.split("\\|")[0]));
        }
        return ok("");
    }

    private static ZonedDateTime naive(List<String> a, String flag, ZoneId zone) {
        String v = a.stream().filter(x -> x.startsWith(flag)).findFirst().orElseThrow().substring(flag.length());
        return LocalDateTime.parse(v).atZone(zone);
    }

    private static Map<String, String> kv(List<String> a) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String x : a) {
            int eq = x.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(x.substring(0, eq).toLowerCase(), x.substring(eq + 1));
            }
        }
        return out;
    }

    private static String[] ok(String out) {
        return new String[]{"0", out};
    }

    @Override
    public String toString() {
        return "FakeSlurm" + Arrays.toString(accounts.keySet().toArray());
    }
}
