package dev.telltale.certs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BcCertificateStoreTest {

    private static final CertsConfig CONFIG = new CertsConfig(List.of("telltale.example.com", "10.1.2.3"), 825);
    private static final Instant T0 = Instant.parse("2026-01-10T12:00:00Z");

    @TempDir
    Path data;

    private CertificateStore open(CertsConfig config, Instant now) {
        return BcCertificateStore.loadOrCreate(data, config, Clock.fixed(now, ZoneOffset.UTC), Optional.of("appliance-7"));
    }

    @Test
    void firstStartWritesOwnerOnlyKeysAndAChainThatValidates() throws Exception {
        CertificateStore store = CertificateStore.loadOrCreate(data, CONFIG);
        Path tls = data.resolve("tls");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls)));
        for (String key : List.of("ca.key", "server.key")) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tls.resolve(key))), key);
            assertTrue(Files.readString(tls.resolve(key)).startsWith("-----BEGIN PRIVATE KEY-----"), key + " is PKCS#8");
        }
        assertEquals(store.caPem(), Files.readString(tls.resolve("ca.crt")));

        X509Certificate ca = store.caCertificate();
        X509Certificate server = store.serverChain().get(0);
        assertEquals(ca, store.serverChain().get(1));
        assertTrue(ca.getSubjectX500Principal().getName().contains("CN=Telltale CA "));
        assertEquals(0, ca.getBasicConstraints(), "CA:true, signs end entities only");
        assertTrue(ca.getKeyUsage()[5] && ca.getKeyUsage()[6], "keyCertSign and cRLSign");
        assertEquals(-1, server.getBasicConstraints(), "server certificate is not a CA");
        assertTrue(server.getKeyUsage()[0], "digitalSignature");
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), server.getExtendedKeyUsage(), "serverAuth only");

        // The agent's view: PKIX validation with the appliance CA as the only anchor.
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(server)), params);

        List<String> sans = sans(server);
        for (String expected : List.of("DNS:localhost", "IP:127.0.0.1", "IP:0:0:0:0:0:0:0:1",
                "DNS:telltale.example.com", "IP:10.1.2.3")) {
            assertTrue(sans.contains(expected), expected + " missing from " + sans);
        }
        assertTrue(store.serverKey().getAlgorithm().equals("EC"));
    }

    @Test
    void reloadReturnsTheSameCaAndServerCertificate() {
        CertificateStore first = open(CONFIG, T0);
        CertificateStore second = open(CONFIG, T0.plus(Duration.ofDays(10)));
        assertEquals(first.caCertificate(), second.caCertificate());
        assertEquals(first.caPem(), second.caPem());
        assertEquals(first.serverChain(), second.serverChain());
        assertArrayEquals(first.serverKey().getEncoded(), second.serverKey().getEncoded());
    }

    @Test
    void aNewConfiguredNameReissuesTheServerCertificateFromTheSameCa() throws Exception {
        CertificateStore first = open(CONFIG, T0);
        CertsConfig more = new CertsConfig(List.of("telltale.example.com", "10.1.2.3", "ingest.example.com"), 825);
        CertificateStore second = open(more, T0.plus(Duration.ofDays(1)));
        assertEquals(first.caCertificate(), second.caCertificate());
        X509Certificate server = second.serverChain().get(0);
        assertNotEquals(first.serverChain().get(0), server);
        assertTrue(sans(server).contains("DNS:ingest.example.com"));
        server.verify(first.caCertificate().getPublicKey());
    }

    @Test
    void aServerCertificateExpiringWithinThirtyDaysIsRenewed() {
        CertificateStore first = open(CONFIG, T0);
        Instant notAfter = first.serverChain().get(0).getNotAfter().toInstant();

        CertificateStore stillFine = open(CONFIG, notAfter.minus(Duration.ofDays(31)));
        assertEquals(first.serverChain().get(0), stillFine.serverChain().get(0));

        Instant late = notAfter.minus(Duration.ofDays(29));
        CertificateStore renewed = open(CONFIG, late);
        assertEquals(first.caCertificate(), renewed.caCertificate());
        assertTrue(renewed.serverChain().get(0).getNotAfter().toInstant().isAfter(late.plus(Duration.ofDays(800))));
    }

    @Test
    void aMissingCaKeyIsAnErrorNotASilentNewCa() throws Exception {
        open(CONFIG, T0);
        Files.delete(data.resolve("tls/ca.key"));
        CertificateStoreException e = assertThrows(CertificateStoreException.class, () -> open(CONFIG, T0));
        assertTrue(e.getMessage().contains("ca.key"), e.getMessage());
        assertFalse(Files.exists(data.resolve("tls/ca.key")), "no replacement key was written");
    }

    @Test
    void aKeyLeftReadableByOthersIsNarrowedOnLoad() throws Exception {
        open(CONFIG, T0);
        Path key = data.resolve("tls/server.key");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        open(CONFIG, T0);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(key)));
    }

    @Test
    void anInvalidConfiguredNameIsAConfigurationError() {
        CertsConfig bad = new CertsConfig(List.of("not a host name"), 825);
        assertThrows(dev.telltale.config.ConfigException.class, () -> open(bad, T0));
    }

    private static List<String> sans(X509Certificate cert) throws Exception {
        List<String> out = new ArrayList<>();
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        for (List<?> n : names) {
            int type = (Integer) n.get(0);
            String value = (String) n.get(1);
            out.add(type == 2 ? "DNS:" + value : type == 7 ? "IP:" + InetAddress.getByName(value).getHostAddress() : "?:" + value);
        }
        return out;
    }
}
