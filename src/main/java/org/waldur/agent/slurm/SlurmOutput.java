package org.waldur.agent.slurm;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The small SLURM output formats the agent reads, each beside the {@link SlurmCommands} method whose command
 * prints it (the large ones have their own class: {@link AssociationSnapshot}, the report's SacctParser). Outputs
 * as measured on the sandbox: examples/slurm-sandbox/FINDINGS.md §4 (squeue), §5 (QoS), §7 (TRES).
 */
public final class SlurmOutput {
    /** What {@code modify account … set qos=} prints, with exit code 0, when it changed nothing (FINDINGS §5). */
    private static final String QOS_IGNORED = "don't have access to their default qos";

    private SlurmOutput() {
    }

    /** A pending or running job as {@link SlurmCommands#activeJobsByUser} lists it ({@code id|account|user}). */
    public record Job(String id, String account, String user) {
    }

    /** TRES names from {@link SlurmCommands#listTres} ({@code type|name|id} → {@code gres/gpu}, {@code cpu}). */
    public static Set<String> tres(String listTres) {
        Set<String> out = new LinkedHashSet<>();
        for (String line : listTres.lines().toList()) {
            String[] f = line.strip().split("\\|", -1);
            if (f.length >= 2 && !f[0].isEmpty()) {
                out.add(f[1].isEmpty() ? f[0] : f[0] + "/" + f[1]);
            }
        }
        return out;
    }

    /** Job ids from {@link SlurmCommands#activeJobs(java.util.Collection)} ({@code squeue -o %A}, one per line). */
    public static List<String> jobIds(String squeue) {
        return squeue.lines().map(String::strip).filter(SlurmOutput::isJobId).toList();
    }

    /** Jobs from {@link SlurmCommands#activeJobsByUser}; lines of another shape are ignored. */
    public static List<Job> jobs(String squeue) {
        List<Job> out = new ArrayList<>();
        for (String line : squeue.lines().map(String::strip).toList()) {
            String[] f = line.split("\\|");
            if (f.length == 3 && isJobId(f[0])) {
                out.add(new Job(f[0], f[1], f[2]));
            }
        }
        return out;
    }

    /** User → DefaultAccount (lower case; absent when empty) from {@link SlurmCommands#defaultAccounts}. */
    public static java.util.Map<String, String> defaultAccounts(String showUser) {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        for (String line : showUser.lines().map(String::strip).toList()) {
            String[] f = line.split("\\|", -1);
            if (f.length >= 2 && !f[0].isEmpty() && !f[1].isEmpty()) {
                out.put(f[0].toLowerCase(), f[1].toLowerCase());
            }
        }
        return out;
    }

    /** {@link SlurmCommands#setQos} exited 0 yet changed nothing: an association's DefaultQOS is outside the list. */
    public static boolean qosIgnored(SlurmResult r) {
        return r.succeeded() && (r.stdout() + r.stderr()).contains(QOS_IGNORED);
    }

    static boolean isJobId(String s) {
        return s.matches("[0-9_]+");
    }
}
