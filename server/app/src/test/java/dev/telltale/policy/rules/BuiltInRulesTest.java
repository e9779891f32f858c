package dev.telltale.policy.rules;

import dev.telltale.policy.ParamSpec;
import dev.telltale.policy.Rule;
import dev.telltale.policy.RuleInfo;
import dev.telltale.policy.Severity;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BuiltInRulesTest {
    /** The mark-bit order is a contract with stored process state: append only. */
    static final List<String> ORDER = List.of(
            "privilege.root-no-drop", "privilege.setuid-root", "memory.unsafe-operation", "secrets.environment",
            "secrets.bearer-plaintext", "files.system-write", "files.credential-read", "files.world-writable-created",
            "files.exec-from-writable-dir", "network.listen-all-interfaces", "network.disallowed-outbound",
            "network.dns-listed-domain", "network.webapp-without-tls", "process.shell-from-network",
            "process.tools-in-container", "libraries.unusual-path", "supply-chain.vulnerable-package",
            "supply-chain.licence-violation");

    @Test
    void stableOrderOfUniqueIds() {
        List<String> ids = BuiltInRules.all().stream().map(r -> r.info().id()).toList();
        assertEquals(ORDER, ids.subList(0, ORDER.size()), "rules are only ever appended");
        assertEquals(ids.size(), new HashSet<>(ids).size());
        assertTrue(ids.size() <= 64);
        assertSame(BuiltInRules.all(), BuiltInRules.all());
    }

    @Test
    void everyRuleIsDocumentedInItsInfo() {
        for (Rule r : BuiltInRules.all()) {
            RuleInfo i = r.info();
            assertFalse(i.title().isBlank() || i.rationale().length() < 80 || i.remediation().length() < 80, i.id());
            assertTrue(i.id().startsWith(i.category().name().toLowerCase().replace('_', '-') + "."), i.id());
            for (ParamSpec p : i.params()) {
                assertFalse(p.description().isBlank(), i.id() + " " + p.name());
            }
            assertEquals(i.params().size(), BuiltInRules.defaults(i).asMap().size());
        }
    }

    @Test
    void standardKeepsTheHighSignalRules() {
        var off = BuiltInRules.all().stream().filter(r -> !r.info().inStandard()).map(r -> r.info().id()).toList();
        assertEquals(List.of("network.disallowed-outbound", "network.webapp-without-tls", "libraries.unusual-path",
                "supply-chain.licence-violation"), off);
        assertEquals(Severity.P1, LibrariesAndSupplyChainTest.rule("process.shell-from-network").info().severity());
        assertEquals(Severity.P1, LibrariesAndSupplyChainTest.rule("privilege.setuid-root").info().severity());
    }

    @Test
    void docsMentionEveryRuleAndParameter() throws IOException {
        Path docs = Path.of("../../docs/rules.md");
        String md = Files.readString(docs);
        for (Rule r : BuiltInRules.all()) {
            assertTrue(md.contains("`" + r.info().id() + "`"), "docs/rules.md lacks " + r.info().id());
            int at = md.indexOf("**Id:** `" + r.info().id() + "`");
            assertTrue(at > 0, "no section for " + r.info().id());
            String section = md.substring(at);
            int next = section.indexOf("\n## ", 1);
            section = next < 0 ? section : section.substring(0, next);
            for (ParamSpec p : r.info().params()) {
                assertTrue(section.contains("`" + p.name() + "`"), "docs/rules.md lacks " + r.info().id() + " " + p.name());
            }
            assertTrue(section.contains(r.info().severity().name()), "severity of " + r.info().id());
        }
    }
}
