package org.waldur.agent.accounts;

import org.waldur.agent.slurm.LoadFile;
import org.waldur.agent.waldur.Order;
import org.waldur.agent.waldur.Resource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One order's part of a cycle: what SLURM must look like for it (its own {@link LoadFile}, so it can be applied
 * alone when the batch fails), what to remove, what to tell Waldur, and how it ended.
 */
public final class OrderWork {
    public enum Kind { CREATE, UPDATE, TERMINATE }

    /** READY: planned, SLURM not yet applied. DONE: SLURM in the wanted state. DEFERRED: try again next cycle. */
    public enum Outcome { READY, DONE, FAILED, DEFERRED }

    public final Order order;
    public final Resource resource;
    public final Kind kind;
    public final String account;
    public final boolean needsBackendId;
    /** New accounts and associations (one load). */
    public final LoadFile changes;
    /**
     * New GrpTRESMins of existing accounts, kept out of {@link #changes}: SLURM 22.05's load reports but does not
     * commit a change to an existing account when the same file also holds User lines (found by the demo).
     */
    public final LoadFile limitChanges = new LoadFile();
    public final List<String> removals = new ArrayList<>();
    /** Users of the allocation being removed: the one-by-one path takes their associations away first. */
    public final List<String> removalUsers = new ArrayList<>();
    /**
     * Policy {@code common}: members this Terminate leaves with no allocation of the offering; their association
     * with {@link #leftDefaultAccount} goes too (OrderPlanner.leavingDefaultAccount).
     */
    public final List<String> defaultLeaves = new ArrayList<>();
    public String leftDefaultAccount;
    /** The project a Terminate leaves without allocations, if the rest of the cycle agrees (OrderPlanner.removals). */
    public String emptiedProject;
    public Map<String, Long> waldurLimits;
    private Outcome outcome = Outcome.READY;
    private String message = "";

    OrderWork(Order order, Resource resource, Kind kind, String account, boolean needsBackendId, LoadFile changes) {
        this.order = order;
        this.resource = resource;
        this.kind = kind;
        this.account = account;
        this.needsBackendId = needsBackendId;
        this.changes = changes;
    }

    public String message() {
        return message;
    }

    public boolean isReady() {
        return outcome == Outcome.READY;
    }

    public void done() {
        if (outcome == Outcome.READY) {
            outcome = Outcome.DONE;
        }
    }

    public void fail(String why) {
        outcome = Outcome.FAILED;
        message = why;
    }

    public void defer(String why) {
        outcome = Outcome.DEFERRED;
        message = why;
    }

    /** Whether the cycle writes anything to SLURM for this order (and so has something to verify). */
    boolean writes() {
        return !changes.isEmpty() || !limitChanges.isEmpty() || !removals.isEmpty();
    }

    public LoadFile batch(String kind) {
        return "limits".equals(kind) ? limitChanges : changes;
    }

    /** A failure before the order had a plan (approval, naming, reading the resource). */
    static OrderWork failedEarly(Order order, String why) {
        Kind kind = switch (order.type() == null ? "" : order.type()) {
            case "Update" -> Kind.UPDATE;
            case "Terminate" -> Kind.TERMINATE;
            default -> Kind.CREATE;
        };
        OrderWork w = new OrderWork(order, null, kind, null, false, new LoadFile());
        w.fail(why);
        return w;
    }

    // Getters for the routes (Simple reads JavaBean properties).
    public Outcome getOutcome() {
        return outcome;
    }

    public Kind getKind() {
        return kind;
    }

    public Order getOrder() {
        return order;
    }

    public String getOrderUuid() {
        return order.uuid();
    }

    public String getResourceUuid() {
        return resource == null ? order.marketplaceResourceUuid() : resource.uuid();
    }

    public boolean isNeedsBackendId() {
        return needsBackendId;
    }

    /** Waldur's {@code set_limits} body value, for Create/Restore. */
    public Map<String, Object> getLimitsBody() {
        return Map.of("limits", waldurLimits == null ? Map.of() : waldurLimits);
    }

    public Map<String, Object> getBackendIdBody() {
        return Map.of("backend_id", account);
    }

    public Map<String, Object> getErredBody() {
        return Map.of("error_message", message, "error_traceback", "");
    }

    @Override
    public String toString() {
        return order + " -> " + account + " " + outcome + (message.isEmpty() ? "" : ": " + message);
    }
}
