package org.waldur.agent.periodic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.waldur.agent.config.PeriodicLimitsSettings;
import org.waldur.agent.config.Uuids;
import org.waldur.agent.slurm.SlurmNames;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * One RESOURCE_PERIODIC_LIMITS message as Waldur publishes it (../shared/reference/waldur-api.md §14; the reference's
 * {@code PeriodicLimitsMessage} in waldur_site_agent/event_processing/structures.py): {@code {resource_uuid,
 * backend_id, offering_uuid, policy_uuid, action: "apply_periodic_settings", timestamp, settings: {fairshare,
 * limit_type, grp_tres_mins | max_tres_mins, reset_raw_usage, …}}}. Keys this agent does not act on (the legacy
 * {@code qos_threshold}, {@code grace_limit}, {@code carryover_details}) are ignored, as the reference does.
 *
 * <p>A message is either usable, or carries {@link #problem()}: why it cannot be applied. Problems are reported
 * to Waldur as a failed command when the message names its policy and resource, else only logged.
 *
 * @param fairshare null: leave SLURM's fairshare
 * @param limits    TRES name (as SLURM names it: {@code billing}, {@code cpu}, {@code gres/gpu}) → whole minutes;
 *                  empty: leave the limits
 */
public record PeriodicLimitsMessage(String resourceUuid, String policyUuid, String backendId, String timestamp,
                                    Long fairshare, String limitType, Map<String, Long> limits, boolean resetRawUsage,
                                    String problem) {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** A TRES name as SLURM prints it: a type, optionally {@code /name} (gres/gpu, gres/gpu:a100, fs/disk). */
    private static final java.util.regex.Pattern TRES = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*(/[A-Za-z0-9_.:-]+)?");
    /** The largest amount SLURM stores for a TRES (a signed 64-bit count). */
    private static final BigDecimal MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    public boolean usable() {
        return problem == null;
    }

    /** Where the verdict goes: both UUIDs are needed for report-command-result. */
    public boolean reportable() {
        return resourceUuid != null && policyUuid != null;
    }

    /** What Waldur sent, checked; {@code config} gives the limit type when the message names none. */
    public static PeriodicLimitsMessage parse(String body, PeriodicLimitsSettings config) {
        JsonNode m;
        try {
            m = MAPPER.readTree(body);
        } catch (IOException e) {
            m = null;
        }
        if (m == null || !m.isObject()) {
            return failed(null, null, null, null, "not a JSON object");
        }
        String resource = Uuids.normalise(m.path("resource_uuid").asText(null));
        String policy = Uuids.normalise(m.path("policy_uuid").asText(null));
        String backendId = m.path("backend_id").asText("").strip();
        String ts = m.path("timestamp").asText("");
        if (resource == null || policy == null) {
            return failed(resource, policy, backendId, ts, "resource_uuid or policy_uuid missing or not a UUID");
        }
        if (!"apply_periodic_settings".equals(m.path("action").asText(""))) {
            return failed(resource, policy, backendId, ts, "action '" + m.path("action").asText("") + "' is not apply_periodic_settings");
        }
        if (!SlurmNames.isAccount(backendId)) {
            return failed(resource, policy, backendId, ts, backendId.isEmpty() ? "no backend_id: the resource has no SLURM account yet"
                    : "backend_id '" + abbreviate(backendId) + "' is not a SLURM account name this agent manages");
        }
        JsonNode s = m.path("settings");
        if (!s.isObject()) {
            return failed(resource, policy, backendId, ts, "settings is not an object");
        }
        Long fairshare = null;
        JsonNode fs = s.path("fairshare");
        if (!fs.isMissingNode() && !fs.isNull()) {
            BigDecimal v = fs.isNumber() ? fs.decimalValue() : null;
            if (v == null || v.signum() < 0 || v.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0
                    || v.stripTrailingZeros().scale() > 0) {
                return failed(resource, policy, backendId, ts, "fairshare " + abbreviate(fs.toString()) + " is not a whole number ≥ 0");
            }
            fairshare = v.longValueExact();
            if (fairshare == 0) {
                fairshare = null; // the reference skips a falsy fairshare; SLURM's 0 would take the account out of scheduling
            }
        }
        String type = s.path("limit_type").asText(config.limitType());
        if (type.isBlank()) {
            type = config.limitType();
        }
        if (!PeriodicLimitsSettings.LIMIT_TYPES.contains(type)) {
            return failed(resource, policy, backendId, ts, "limit_type '" + abbreviate(type) + "' is not GrpTRESMins or MaxTRESMins");
        }
        // the reference takes grp_tres_mins, else max_tres_mins, as the values of limit_type
        JsonNode tres = s.path("grp_tres_mins");
        if (tres.isMissingNode() || tres.isNull() || tres.isObject() && tres.isEmpty()) {
            tres = s.path("max_tres_mins");
        }
        Map<String, Long> limits = new TreeMap<>();
        if (!tres.isMissingNode() && !tres.isNull()) {
            if (!tres.isObject()) {
                return failed(resource, policy, backendId, ts, "grp_tres_mins/max_tres_mins is not an object of TRES → minutes");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = tres.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!TRES.matcher(e.getKey()).matches()) {
                    return failed(resource, policy, backendId, ts, "'" + abbreviate(e.getKey()) + "' is not a TRES name");
                }
                BigDecimal v = e.getValue().isNumber() ? e.getValue().decimalValue() : parseDecimal(e.getValue().asText(""));
                if (v == null || v.signum() < 0 || v.compareTo(MAX) > 0) {
                    return failed(resource, policy, backendId, ts, type + " " + e.getKey() + "=" + abbreviate(e.getValue().toString())
                            + " is not a number of minutes ≥ 0");
                }
                // SLURM keeps whole TRES-minutes; Waldur's policy arithmetic (carry-over, grace) may leave a fraction
                limits.put(e.getKey(), v.setScale(0, RoundingMode.HALF_UP).longValueExact());
            }
        }
        boolean reset = s.path("reset_raw_usage").asBoolean(false);
        return new PeriodicLimitsMessage(resource, policy, backendId, ts, fairshare, type, Map.copyOf(limits), reset, null);
    }

    private static PeriodicLimitsMessage failed(String resource, String policy, String backendId, String ts, String why) {
        return new PeriodicLimitsMessage(resource, policy, backendId, ts, null, null, Map.of(), false, why);
    }

    private static BigDecimal parseDecimal(String s) {
        try {
            return new BigDecimal(s.strip());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "…";
    }

    @Override
    public String toString() {
        return "periodic limits of " + (backendId == null || backendId.isEmpty() ? "resource " + resourceUuid : backendId)
                + (timestamp == null || timestamp.isEmpty() ? "" : " (" + timestamp + ")");
    }
}
