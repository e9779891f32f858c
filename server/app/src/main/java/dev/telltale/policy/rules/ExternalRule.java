package dev.telltale.policy.rules;

import dev.telltale.policy.Category;
import dev.telltale.policy.Firing;
import dev.telltale.policy.Observation;
import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.RuleParams;
import dev.telltale.policy.Severity;

import java.util.List;
import java.util.Set;

/**
 * Rules fed by another component (the SBOM module) rather than by events: no inputs, and
 * {@link #evaluate} does nothing. They exist here so policies can enable them, set their
 * severity and parameters, and so findings have a rule to name.
 */
final class ExternalRule implements Rule {
    static final String VULNERABLE = "supply-chain.vulnerable-package";
    static final String LICENCE = "supply-chain.licence-violation";

    private final RuleInfo info;

    private ExternalRule(RuleInfo info) {
        this.info = info;
    }

    static Rule vulnerablePackage() {
        return new ExternalRule(new RuleInfo(VULNERABLE, "Vulnerable package or dependency loaded at run time",
                Category.SUPPLY_CHAIN, Severity.P2,
                List.of(ParamSpec.integer("min-cvss", 0,
                                "Lowest CVSS base score reported, in tenths (70 = 7.0)."),
                        ParamSpec.bool("only-loaded", true,
                                "Report only packages whose files were loaded or run, not everything installed.")),
                "A known vulnerability in code the application actually loads is reachable in a way an unused "
                        + "package is not. The severity follows the CVSS score (9.0+ P1, 7.0+ P2, 4.0+ P3, else P4).",
                "Upgrade the package or dependency to a fixed version (the finding names it), rebuild and "
                        + "redeploy the image; if no fix exists, check the advisory for mitigations.",
                Set.of(), true));
    }

    static Rule licenceViolation() {
        return new ExternalRule(new RuleInfo(LICENCE, "Licence policy violation", Category.SUPPLY_CHAIN, Severity.P3,
                List.of(ParamSpec.strings("denied-licences", List.of("AGPL-1.0-only", "AGPL-1.0-or-later",
                                "AGPL-3.0-only", "AGPL-3.0-or-later", "SSPL-1.0"),
                        "SPDX licence identifiers that packages and dependencies must not carry.")),
                "Some licences put obligations on software that uses or serves the code (network copyleft such "
                        + "as AGPL or SSPL) that an organisation may not be able to meet.",
                "Replace the dependency with one under an accepted licence, obtain a commercial licence, or get "
                        + "the use approved and remove the licence from denied-licences.",
                Set.of(), false));
    }

    @Override
    public RuleInfo info() {
        return info;
    }

    @Override
    public void evaluate(Observation o, RuleParams params, Firing out) {
        // Findings come from the SBOM module through Firing.fire(key, summary, severity).
    }
}
