package dev.telltale.certs;

import dev.telltale.config.ConfigException;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names the server certificate must carry: DNS names (lower case) and IP addresses.
 * IP literals are only ever parsed, never resolved, so building this never touches DNS.
 */
record SubjectNames(Set<String> dnsNames, Set<InetAddress> ipAddresses) {

    private static final String CONFIG_KEY = "telltale.certs.names";
    private static final Pattern DNS_NAME = Pattern.compile(
            "(?=.{1,253}$)(\\*\\.)?[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*");
    private static final int SAN_DNS = 2;
    private static final int SAN_IP = 7;

    SubjectNames {
        dnsNames = Set.copyOf(dnsNames);
        ipAddresses = Set.copyOf(ipAddresses);
    }

    /**
     * Loopback names, the host name when it is usable, and the configured names.
     *
     * @throws ConfigException when a configured name is neither an IP literal nor a DNS name
     */
    static SubjectNames required(Optional<String> hostName, List<String> configured) {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        hostName.ifPresent(h -> classify(h, dns, ips));
        dns.add("localhost");
        ips.add(ipLiteral("127.0.0.1"));
        ips.add(ipLiteral("::1"));
        for (String name : configured) {
            if (!classify(name, dns, ips)) {
                throw new ConfigException(CONFIG_KEY, "'" + name + "' is neither an IP address nor a DNS name");
            }
        }
        return new SubjectNames(dns, ips);
    }

    /** The names in a certificate's subjectAltName extension (other kinds are ignored). */
    static SubjectNames of(X509Certificate cert) {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        Collection<List<?>> sans;
        try {
            sans = cert.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            throw new CertificateStoreException("cannot read the subject alternative names of "
                    + cert.getSubjectX500Principal(), e);
        }
        if (sans != null) {
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                if (type == SAN_DNS) {
                    dns.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                } else if (type == SAN_IP) {
                    ips.add(ipLiteral((String) san.get(1)));
                }
            }
        }
        return new SubjectNames(dns, ips);
    }

    /** "DNS:a, IP:10.0.0.1" for messages. */
    String describe() {
        List<String> out = new ArrayList<>();
        dnsNames.stream().sorted().forEach(n -> out.add("DNS:" + n));
        ipAddresses.forEach(ip -> out.add("IP:" + ip.getHostAddress()));
        return out.isEmpty() ? "(none)" : String.join(", ", out);
    }

    /**
     * The names an uploaded certificate must cover: the public host name and configured names,
     * else the machine's host name. Loopback is not required: enterprise CAs do not sign it.
     */
    static SubjectNames forUpload(Optional<String> publicHost, List<String> configured, Optional<String> hostName) {
        Set<String> dns = new LinkedHashSet<>();
        Set<InetAddress> ips = new LinkedHashSet<>();
        publicHost.ifPresent(h -> classify(h, dns, ips));
        configured.forEach(n -> classify(n, dns, ips));
        if (dns.isEmpty() && ips.isEmpty()) {
            hostName.ifPresent(h -> classify(h, dns, ips));
        }
        return new SubjectNames(dns, ips);
    }

    boolean covers(SubjectNames other) {
        return dnsNames.containsAll(other.dnsNames) && ipAddresses.containsAll(other.ipAddresses);
    }

    /** The first non-loopback DNS name if any, for the certificate's common name. */
    String commonName() {
        return dnsNames.stream().filter(n -> !n.equals("localhost")).findFirst().orElse("localhost");
    }

    GeneralNames toGeneralNames() {
        List<GeneralName> names = new ArrayList<>();
        dnsNames.stream().sorted().forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        for (InetAddress ip : ipAddresses) {
            names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.getAddress())));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    private static boolean classify(String raw, Set<String> dns, Set<InetAddress> ips) {
        String name = raw.trim();
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (IPAddress.isValid(name)) {
            ips.add(ipLiteral(name));
            return true;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (DNS_NAME.matcher(lower).matches()) {
            dns.add(lower);
            return true;
        }
        return false;
    }

    private static InetAddress ipLiteral(String literal) {
        try {
            // Only called with validated literals, which getByName parses without a lookup.
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an IP literal: " + literal, e);
        }
    }
}
