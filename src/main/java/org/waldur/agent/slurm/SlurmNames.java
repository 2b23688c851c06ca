package org.waldur.agent.slurm;

import java.util.regex.Pattern;

/**
 * The names this agent lets reach a SLURM command. sacctmgr treats a comma as a list separator, a space splits
 * arguments if anything ever goes through a shell, a leading '-' reads as an option, a '"' is stored as a
 * backtick and non-ASCII is mangled (comma lists: examples/slurm-sandbox/FINDINGS.md §2): any such name would leave Waldur and SLURM disagreeing, or
 * worse, grant access to the wrong entity. So names are checked against a strict pattern before any argv exists.
 *
 * <ul>
 *   <li>accounts and QoS: {@code ^[a-z0-9_][a-z0-9_-]{0,127}$} (SLURM stores them lower-case)</li>
 *   <li>users: {@code ^[a-z_][a-z0-9_.-]{0,63}$} (POSIX-style login names, as sacctmgr and useradd expect)</li>
 *   <li>partitions and clusters: {@code ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}$}</li>
 * </ul>
 */
public final class SlurmNames {
    public static final Pattern ACCOUNT = Pattern.compile("[a-z0-9_][a-z0-9_-]{0,127}");
    public static final Pattern USER = Pattern.compile("[a-z_][a-z0-9_.-]{0,63}");
    public static final Pattern OTHER = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}");

    private SlurmNames() {
    }

    public static boolean isAccount(String name) {
        return name != null && ACCOUNT.matcher(name).matches();
    }

    public static boolean isUser(String name) {
        return name != null && USER.matcher(name).matches();
    }

    public static boolean isOther(String name) {
        return name != null && OTHER.matcher(name).matches();
    }

    /** Throws {@link UnsafeNameException} unless {@code name} is a safe account (or QoS) name. */
    public static String account(String name) {
        if (!isAccount(name)) {
            throw new UnsafeNameException("account", name, ACCOUNT.pattern());
        }
        return name;
    }

    public static String user(String name) {
        if (!isUser(name)) {
            throw new UnsafeNameException("user", name, USER.pattern());
        }
        return name;
    }

    public static String other(String kind, String name) {
        if (!isOther(name)) {
            throw new UnsafeNameException(kind, name, OTHER.pattern());
        }
        return name;
    }

    /** A name refused before it reached SLURM; the message is what the order's error shows. */
    public static final class UnsafeNameException extends IllegalArgumentException {
        public UnsafeNameException(String kind, String name, String pattern) {
            super("refusing unsafe SLURM " + kind + " name '" + name + "': it must match " + pattern);
        }
    }
}
