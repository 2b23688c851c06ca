package org.waldur.agent.auditor.apel;

import org.waldur.agent.config.ConfigException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The APEL plugin's YAML as AUDITOR's documentation writes it (auditor.md §5.1–§5.5): sections {@code plugin},
 * {@code site}, {@code messaging}, {@code auditor}, {@code summary_fields}, fields typed by YAML tags. Read with
 * SnakeYAML's node API so the tags ({@code !Config}, {@code !MetaField} …) are seen as they are written, without
 * letting YAML construct arbitrary objects. Keys the publisher does not act on are warned about.
 */
public record ApelConfig(String timeJsonPath, Duration reportInterval, Map<String, List<String>> sitesToReport,
                         String benchmarkType, Messaging messaging, String auditorUrl, Duration auditorTimeout,
                         List<String> siteMetaFields, Map<String, Field> mandatory, Map<String, Field> optional,
                         boolean individualJobs, Map<String, Field> jobFields, List<String> warnings) {

    public static final List<String> MANDATORY = List.of("VO", "SubmitHost", "Processors", "CpuDuration",
            "NormalisedCpuDuration", "NormalisedWallDuration");
    public static final List<String> OPTIONAL = List.of("GlobalUserName", "VOGroup", "VORole", "Infrastructure", "NodeCount");
    /** {@code individual_job_fields} of the older plugin (auditor.md §5.6): CpuDuration mandatory, these optional. */
    public static final List<String> JOB_OPTIONAL = List.of("SubmitHost", "MachineName", "Queue", "LocalUserId",
            "GlobalUserName", "FQAN", "VO", "VOGroup", "VORole", "Processors", "NodeCount", "InfrastructureDescription",
            "InfrastructureType", "MemoryReal", "MemoryVirtual", "ServiceLevelType", "ServiceLevel");

    /** {@code messaging}: the ARGO AMS endpoint and the host certificate that signs and authenticates. */
    public record Messaging(String host, int port, String clientCert, String clientKey, String project, String topic,
                            Duration timeout, int retry, String caCert, int publishPort, String scheme) {
    }

    public static ApelConfig load(Path file) {
        String src = file.toString();
        Node root;
        try (Reader r = Files.newBufferedReader(file)) {
            root = new Yaml(new LoaderOptions()).compose(r);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(src, "(file)", "cannot read YAML: " + e.getMessage());
        }
        return new Reader2(src).config(root);
    }

    /** The walk over the node tree, collecting warnings; every error names the file and the key path. */
    private static final class Reader2 {
        private final String src;
        private final List<String> warnings = new ArrayList<>();

        Reader2(String src) {
            this.src = src;
        }

        ApelConfig config(Node root) {
            Map<String, Node> top = map(root, "(file)");
            known(top, "", Set.of("plugin", "site", "messaging", "auditor", "summary_fields", "individual_job_fields"));
            Map<String, Node> plugin = map(req(top, "plugin", ""), "plugin");
            known(plugin, "plugin.", Set.of("log_level", "log_file", "time_json_path", "report_interval", "message_type"));
            String messageType = opt(plugin, "message_type", "summaries");
            if (!Set.of("summaries", "individual_jobs").contains(messageType)) {
                throw new ConfigException(src, "plugin.message_type", "'" + messageType + "' is not summaries or individual_jobs");
            }
            boolean jobs = messageType.equals("individual_jobs");
            Map<String, Node> site = map(req(top, "site", ""), "site");
            known(site, "site.", Set.of("sites_to_report", "benchmark_type"));
            Map<String, List<String>> sites = new LinkedHashMap<>();
            map(req(site, "sites_to_report", "site."), "site.sites_to_report").forEach((k, v) ->
                    sites.put(k, strings(v, "site.sites_to_report." + k)));
            String bench = opt(site, "benchmark_type", "HEPscore23");
            String benchmark = switch (bench.toLowerCase()) {
                case "hepscore23" -> "HEPscore23";
                case "hepspec" -> "hepspec";
                case "si2k" -> "si2k";
                default -> throw new ConfigException(src, "site.benchmark_type", "'" + bench + "' is not one of HEPscore23, hepspec, si2k");
            };
            Map<String, Node> msg = map(req(top, "messaging", ""), "messaging");
            known(msg, "messaging.", Set.of("host", "port", "client_cert", "client_key", "project", "topic", "timeout",
                    "retry", "ca_cert", "publish_port", "scheme"));
            Messaging messaging = new Messaging(text(req(msg, "host", "messaging."), "messaging.host"),
                    (int) integer(req(msg, "port", "messaging."), "messaging.port"),
                    text(req(msg, "client_cert", "messaging."), "messaging.client_cert"),
                    text(req(msg, "client_key", "messaging."), "messaging.client_key"),
                    text(req(msg, "project", "messaging."), "messaging.project"),
                    text(req(msg, "topic", "messaging."), "messaging.topic"),
                    Duration.ofSeconds(integer(req(msg, "timeout", "messaging."), "messaging.timeout")),
                    (int) integer(req(msg, "retry", "messaging."), "messaging.retry"),
                    msg.containsKey("ca_cert") ? text(msg.get("ca_cert"), "messaging.ca_cert") : null,
                    msg.containsKey("publish_port") ? (int) integer(msg.get("publish_port"), "messaging.publish_port") : 443,
                    opt(msg, "scheme", "https"));
            Map<String, Node> aud = map(req(top, "auditor", ""), "auditor");
            known(aud, "auditor.", Set.of("ip", "port", "timeout", "site_meta_field", "use_tls", "ca_cert_path",
                    "client_cert_path", "client_key_path"));
            if (aud.containsKey("use_tls") && Boolean.parseBoolean(text(aud.get("use_tls"), "auditor.use_tls").toLowerCase())) {
                warnings.add(src + ": auditor.use_tls: TLS to the AUDITOR server is not supported by this publisher yet; "
                        + "plain HTTP is used");
            }
            Node smf = req(aud, "site_meta_field", "auditor.");
            List<String> metaFields = smf instanceof SequenceNode ? strings(smf, "auditor.site_meta_field")
                    : List.of(text(smf, "auditor.site_meta_field"));
            String url = "http://" + text(req(aud, "ip", "auditor."), "auditor.ip") + ":"
                    + integer(req(aud, "port", "auditor."), "auditor.port");
            Map<String, Field> mandatory = Map.of();
            Map<String, Field> optional = Map.of();
            if (!jobs || top.containsKey("summary_fields")) {
                Map<String, Node> fields = map(req(top, "summary_fields", ""), "summary_fields");
                known(fields, "summary_fields.", Set.of("mandatory", "optional"));
                mandatory = fields(map(req(fields, "mandatory", "summary_fields."), "summary_fields.mandatory"),
                        "summary_fields.mandatory.", MANDATORY, true);
                optional = fields.containsKey("optional")
                        ? fields(map(fields.get("optional"), "summary_fields.optional"), "summary_fields.optional.", OPTIONAL, false)
                        : Map.of();
            }
            Map<String, Field> jobFields = new LinkedHashMap<>();
            if (jobs) {
                Map<String, Node> jf = map(req(top, "individual_job_fields", ""), "individual_job_fields");
                known(jf, "individual_job_fields.", Set.of("mandatory", "optional"));
                jobFields.putAll(fields(map(req(jf, "mandatory", "individual_job_fields."), "individual_job_fields.mandatory"),
                        "individual_job_fields.mandatory.", List.of("CpuDuration"), true));
                if (jf.containsKey("optional")) {
                    jobFields.putAll(fields(map(jf.get("optional"), "individual_job_fields.optional"),
                            "individual_job_fields.optional.", JOB_OPTIONAL, false));
                }
            }
            return new ApelConfig(text(req(plugin, "time_json_path", "plugin."), "plugin.time_json_path"),
                    Duration.ofSeconds(integer(req(plugin, "report_interval", "plugin."), "plugin.report_interval")),
                    sites, benchmark, messaging, url,
                    Duration.ofSeconds(aud.containsKey("timeout") ? integer(aud.get("timeout"), "auditor.timeout") : 60),
                    metaFields, mandatory, optional, jobs, jobFields, List.copyOf(warnings));
        }

        private Map<String, Field> fields(Map<String, Node> nodes, String prefix, List<String> allowed, boolean mandatory) {
            Map<String, Field> out = new LinkedHashMap<>();
            nodes.forEach((name, node) -> {
                if (!allowed.contains(name)) {
                    throw new ConfigException(src, prefix + name, "not a field of the summary message (" + allowed + ")");
                }
                out.put(name, field(node, prefix + name));
            });
            if (mandatory) {
                List<String> missing = allowed.stream().filter(f -> !out.containsKey(f)).toList();
                if (!missing.isEmpty()) {
                    throw new ConfigException(src, prefix.substring(0, prefix.length() - 1), "fields " + missing + " are mandatory");
                }
            }
            return out;
        }

        Field field(Node node, String key) {
            String tag = node.getTag().getValue();
            Map<String, Node> m = map(node, key);
            return switch (tag) {
                case "!ComponentField" -> new Field.ComponentField(text(req(m, "name", key + "."), key + ".name"),
                        m.containsKey("divide_by") ? integer(m.get("divide_by"), key + ".divide_by") : null);
                case "!MetaField" -> metaField(m, key);
                case "!ConstantField" -> new Field.ConstantField(scalar(req(m, "value", key + "."), key + ".value"));
                case "!ScoreField" -> scoreField(m, key);
                case "!RecordField" -> {
                    String name = text(req(m, "name", key + "."), key + ".name");
                    if (!Set.of("runtime", "record_id", "start_time", "stop_time").contains(name)) {
                        throw new ConfigException(src, key + ".name", "'" + name + "' is not a record attribute "
                                + "(runtime, record_id, start_time, stop_time)");
                    }
                    if (m.containsKey("modify")) {
                        warnings.add(src + ": " + key + ".modify: not supported, ignored");
                    }
                    yield new Field.RecordField(name);
                }
                case "!NormalisedField" -> {
                    Field base = m.containsKey("base_value") ? field(m.get("base_value"), key + ".base_value")
                            : new Field.RecordField("runtime");
                    if (!(base instanceof Field.ComponentField || base instanceof Field.RecordField)) {
                        throw new ConfigException(src, key + ".base_value", "must be a !ComponentField or a !RecordField");
                    }
                    yield new Field.NormalisedField(base, scoreField(map(req(m, "score", key + "."), key + ".score"), key + ".score"));
                }
                default -> throw new ConfigException(src, key, "unknown field type '" + tag + "' (!ComponentField, "
                        + "!MetaField, !ConstantField, !ScoreField, !NormalisedField, !RecordField)");
            };
        }

        private Field.ScoreField scoreField(Map<String, Node> m, String key) {
            return new Field.ScoreField(text(req(m, "name", key + "."), key + ".name"),
                    text(req(m, "component_name", key + "."), key + ".component_name"));
        }

        private Field.MetaField metaField(Map<String, Node> m, String key) {
            String name = text(req(m, "name", key + "."), key + ".name");
            Pattern regex = null;
            if (m.containsKey("regex")) {
                String re = text(m.get("regex"), key + ".regex");
                try {
                    regex = Pattern.compile(re);
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(src, key + ".regex", "not a valid regular expression: " + e.getDescription());
                }
            }
            String function = null;
            Map<String, String> params = new LinkedHashMap<>();
            if (m.containsKey("function")) {
                Map<String, Node> f = map(m.get("function"), key + ".function");
                function = text(req(f, "name", key + ".function."), key + ".function.name");
                if (!function.equals("vo_mapping")) {
                    throw new ConfigException(src, key + ".function.name", "unknown function '" + function + "' (vo_mapping)");
                }
                if (f.containsKey("parameters")) {
                    map(f.get("parameters"), key + ".function.parameters").forEach((k, v) ->
                            params.put(k, text(v, key + ".function.parameters." + k)));
                }
            }
            return new Field.MetaField(name, regex, function, params);
        }

        private void known(Map<String, Node> m, String prefix, Set<String> keys) {
            m.keySet().stream().filter(k -> !keys.contains(k)).forEach(k ->
                    warnings.add(src + ": " + prefix + k + ": unknown key, ignored"));
        }

        private Map<String, Node> map(Node n, String key) {
            if (!(n instanceof MappingNode mn)) {
                throw new ConfigException(src, key, "expected a mapping");
            }
            Map<String, Node> out = new LinkedHashMap<>();
            for (NodeTuple t : mn.getValue()) {
                out.put(text(t.getKeyNode(), key), t.getValueNode());
            }
            return out;
        }

        private Node req(Map<String, Node> m, String name, String prefix) {
            Node n = m.get(name);
            if (n == null) {
                throw new ConfigException(src, prefix + name, "required");
            }
            return n;
        }

        private String opt(Map<String, Node> m, String name, String dflt) {
            return m.containsKey(name) ? text(m.get(name), name) : dflt;
        }

        private String text(Node n, String key) {
            if (!(n instanceof ScalarNode s)) {
                throw new ConfigException(src, key, "expected a single value");
            }
            return s.getValue();
        }

        private long integer(Node n, String key) {
            String t = text(n, key);
            try {
                return Long.parseLong(t.trim());
            } catch (NumberFormatException e) {
                throw new ConfigException(src, key, "expected an integer, got '" + t + "'");
            }
        }

        /** A constant as YAML types it: integer → Long, float → Double, anything else the string. */
        private Object scalar(Node n, String key) {
            String t = text(n, key);
            String tag = n.getTag().getValue();
            if (tag.endsWith(":int")) {
                return Long.parseLong(t);
            }
            if (tag.endsWith(":float")) {
                return Double.parseDouble(t);
            }
            return t;
        }

        private List<String> strings(Node n, String key) {
            if (!(n instanceof SequenceNode s)) {
                throw new ConfigException(src, key, "expected a list");
            }
            List<String> out = new ArrayList<>();
            for (Node e : s.getValue()) {
                out.add(text(e, key));
            }
            return out;
        }
    }
}
