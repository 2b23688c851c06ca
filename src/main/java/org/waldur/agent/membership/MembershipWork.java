package org.waldur.agent.membership;

import org.waldur.agent.waldur.Resource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One resource's part of a membership cycle: who to add and remove, which QoS the account must have, and what
 * went wrong on the way. Problems are collected rather than thrown, so that one failed removal does not keep
 * the new members out; at the end a resource with problems goes to Erred with all of them in one message.
 * Routes read it through the JavaBean getters (each property has exactly one accessor, see the Simple gotcha).
 */
public final class MembershipWork {
    final Resource resource;
    final String account;
    final boolean accountMissing;
    final List<String> add = new ArrayList<>();
    final List<String> stale = new ArrayList<>();
    final List<String> existing = new ArrayList<>();
    final List<String> skipped = new ArrayList<>();
    final List<String> added = new ArrayList<>();
    /** Stale associations whose removal SLURM accepted (the verifying read confirms them). */
    final List<MembershipBatch.Stale> removed = new ArrayList<>();
    /** Members the first verifying read did not show (MembershipVerifier.retries): unclaimed if the retry fails. */
    final List<String> unverified = new ArrayList<>();
    /** SLURM accepted this cycle's QoS change (the verifying read confirms it). */
    boolean qosWritten;
    String defaultAccount;
    List<String> partitions = List.of();
    String qosTarget;
    /** The whole QoS list the account must have ({@link MembershipPlanner}: what the agent owns). */
    String qosList;
    String qos = "";
    private final List<String> problems = new ArrayList<>();
    private boolean left;

    MembershipWork(Resource resource, String account, boolean accountMissing) {
        this.resource = resource;
        this.account = account;
        this.accountMissing = accountMissing;
    }

    /** A resource that failed before it had a plan (unsafe backend_id, unreadable team); the caller says why. */
    static MembershipWork unplanned(Resource resource) {
        return new MembershipWork(resource, resource.backendId(), false);
    }

    void problem(String why) {
        problems.add(why);
    }

    /** Transient Waldur trouble: nothing is reported for this resource this cycle. */
    void leave() {
        left = true;
    }

    // ---- what the routes read ------------------------------------------------------------------------------

    public String getResourceUuid() {
        return resource.uuid();
    }

    public Resource getResource() {
        return resource;
    }

    public String getAccount() {
        return account;
    }

    public boolean isAccountMissing() {
        return accountMissing;
    }

    public List<String> getStale() {
        return stale;
    }

    public boolean isAdding() {
        return !add.isEmpty();
    }

    /** The account's QoS must change: a target is known and differs from what SLURM has. */
    public boolean isQosChange() {
        return qosTarget != null && !MembershipPlanner.sameQos(qos, qosList());
    }

    String qosList() {
        return qosList != null ? qosList : qosTarget;
    }

    /** Waldur's {@code backend_metadata.qos} differs from the account's QoS as it is now. */
    public boolean isMetadataChange() {
        Object known = resource.backendMetadata() == null ? null : resource.backendMetadata().get("qos");
        return !qos.isEmpty() && !qos.equals(known);
    }

    /** {@code set_backend_metadata} replaces the whole dict: keep the other keys, replace {@code qos}. */
    public Map<String, Object> getMetadataBody() {
        Map<String, Object> md = new LinkedHashMap<>();
        if (resource.backendMetadata() != null) {
            md.putAll(resource.backendMetadata());
        }
        md.put("qos", qos);
        return Map.of("backend_metadata", md);
    }

    public boolean isFailed() {
        return !problems.isEmpty();
    }

    public boolean isLeft() {
        return left;
    }

    public boolean isWasErred() {
        return "Erred".equals(resource.state());
    }

    public String getMessage() {
        return String.join("; ", problems);
    }

    public Map<String, Object> getErredBody() {
        return Map.of("error_message", getMessage(), "error_traceback", "");
    }

    @Override
    public String toString() {
        return "resource " + resource.name() + " (" + resource.uuid() + ", account " + account + ")"
                + (problems.isEmpty() ? "" : ": " + getMessage());
    }
}
