package dev.telltale.certs;

import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Keys read from PEM stay JDK keys once BouncyCastle is a registered provider, as it is after the
 * first SFTP backup export (Apache MINA SSHD registers it): an EC key then still matches its
 * certificate's public key, so the appliance's CA and server keys keep loading.
 */
class PemKeysWithBouncyCastleTest {
    @TempDir
    Path tmp;

    @Test
    void anEcKeyStaysAnEcKeyWithBouncyCastleRegistered() throws Exception {
        boolean added = Security.getProvider("BC") == null && Security.addProvider(new BouncyCastleProvider()) > 0;
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(256);
            KeyPair kp = g.generateKeyPair();
            Path file = tmp.resolve("key.pem");
            PemFiles.writePrivateKey(file, kp.getPrivate());
            PrivateKey read = PemFiles.readPrivateKey(file);
            assertEquals("EC", read.getAlgorithm());
            assertTrue(ChainCheck.keyMatches(read, kp.getPublic()));
        } finally {
            if (added) {
                Security.removeProvider("BC");
            }
        }
    }
}
