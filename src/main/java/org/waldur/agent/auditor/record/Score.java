package org.waldur.agent.auditor.record;

/** One score of a component, e.g. {@code HEPSPEC06 = 10.0}: a factor that turns the component's amount into a
 *  comparable resource figure (reference: ../shared/reference/auditor.md §1.1). */
public record Score(String name, double value) {
}
