package org.waldur.agent.support;

/** A waldur-site-agent-config.yaml with one SLURM offering, as route tests and real-SLURM suites write it. */
public final class ConfigYaml {
    /** The reference fixtures' components: cpu k-Hours/60000, mem gb-Hours/61440 (usage), gres/gpu (limit). */
    public static final String COMPONENTS = """
                  cpu: {limit: 10, measured_unit: "k-Hours", unit_factor: 60000, accounting_type: "usage", label: "CPU"}
                  mem: {limit: 10, measured_unit: "gb-Hours", unit_factor: 61440, accounting_type: "usage", label: "RAM"}
                  gres/gpu: {measured_unit: "GPU-hours", unit_factor: 60, accounting_type: "limit", label: "GPU"}
            """;

    private ConfigYaml() {
    }

    /** {@code settings} and {@code components}: lines indented to sit under backend_settings / backend_components. */
    public static String of(String apiUrl, String token, String offering, String settings, String components) {
        return of(apiUrl, token, offering, settings, components, "");
    }

    /** {@code offeringKeys}: more keys of the offering (e.g. stomp_enabled), each line indented by 4 spaces. */
    public static String of(String apiUrl, String token, String offering, String settings, String components,
                            String offeringKeys) {
        return """
            timezone: "UTC"
            reporting_periods: 2
            offerings:
              - name: "HPC"
                waldur_api_url: "%s"
                waldur_api_token: "%s"
                waldur_offering_uuid: "%s"
                backend_type: "slurm"
                order_processing_backend: "slurm"
                membership_sync_backend: "slurm"
                reporting_backend: "slurm"
            %s    backend_settings:
            %s
                backend_components:
            %s""".formatted(apiUrl, token, offering, offeringKeys, settings, components);
    }
}
