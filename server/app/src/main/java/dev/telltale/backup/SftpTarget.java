package dev.telltale.backup;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.util.security.SecurityUtils;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Export over SFTP (Apache MINA SSHD): the server's host key must have the pinned SHA-256
 * fingerprint, anything else is refused before authenticating; password or private key. The
 * archive and its checksum are written as {@code .partial} files and renamed when complete.
 */
final class SftpTarget {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SftpTarget() {
    }

    static String send(BackupConfig.SftpTarget t, BackupInfo b, String name, int keepRemote, Path scratch) throws IOException {
        return withSftp(t, sftp -> upload(sftp, t, b, name, keepRemote));
    }

    /**
     * Tries the target as an export would: connects, checks the host key, logs in, and writes and
     * deletes a small file in the remote directory.
     *
     * @throws BackupException FAILED saying which step failed (never with a secret in it)
     */
    static String probe(BackupConfig.SftpTarget t) throws IOException {
        return withSftp(t, sftp -> {
            String dir = t.remoteDir().endsWith("/") ? t.remoteDir() : t.remoteDir() + "/";
            try {
                if (!sftp.stat(t.remoteDir()).isDirectory()) {
                    throw new IOException("not a directory");
                }
            } catch (IOException e) {
                throw new BackupException(BackupException.Reason.FAILED, "logged in to " + t.host() + " as '" + t.user()
                        + "', but the remote directory '" + t.remoteDir() + "' does not exist or is not a directory");
            }
            String probe = dir + ".telltale-write-test-" + Long.toHexString(System.nanoTime());
            try {
                try (OutputStream out = sftp.write(probe)) {
                    out.write("telltale".getBytes(StandardCharsets.US_ASCII));
                }
                sftp.remove(probe);
            } catch (IOException e) {
                throw new BackupException(BackupException.Reason.FAILED, "logged in to " + t.host() + " as '" + t.user()
                        + "', but cannot write into the remote directory '" + t.remoteDir() + "'");
            }
            return "connected to " + t.host() + ":" + t.port() + " (host key " + t.hostKeyFingerprint()
                    + " as pinned), logged in as '" + t.user() + "' and wrote into '" + t.remoteDir() + "'";
        });
    }

    private interface SftpWork<T> {
        T run(SftpClient sftp) throws IOException;
    }

    private static <T> T withSftp(BackupConfig.SftpTarget t, SftpWork<T> work) throws IOException {
        if (t.privateKeyFile().isPresent() && !Files.isReadable(t.privateKeyFile().get())) {
            throw new BackupException(BackupException.Reason.INVALID, "the SFTP private key file "
                    + t.privateKeyFile().get() + " is not readable");
        }
        SshClient client = SshClient.setUpDefaultClient();
        AtomicReference<String> presented = new AtomicReference<>();
        client.setServerKeyVerifier((session, address, key) -> {
            String fp = KeyUtils.getFingerPrint(key);
            presented.set(fp);
            return fp.equals(t.hostKeyFingerprint());
        });
        client.start();
        try (ClientSession session = connect(client, t, presented)) {
            try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session)) {
                return work.run(sftp);
            }
        } finally {
            client.stop();
        }
    }

    /** Why a private key text cannot be used (not an unencrypted OpenSSH or PEM key), or empty when it can. */
    static Optional<String> keyProblem(String pem) {
        try {
            return keys(pem).iterator().hasNext() ? Optional.empty()
                    : Optional.of("holds no private key: paste an unencrypted OpenSSH or PEM private key");
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            // The parser's text could quote the key: our words only.
            return Optional.of("is not an unencrypted OpenSSH or PEM private key this appliance can read");
        }
    }

    private static Iterable<KeyPair> keys(String pem) throws IOException, GeneralSecurityException {
        Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName("backup target key"),
                new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)), null);
        return keys == null ? List.of() : keys;
    }

    private static ClientSession connect(SshClient client, BackupConfig.SftpTarget t, AtomicReference<String> presented)
            throws IOException {
        ClientSession session;
        try {
            session = client.connect(t.user(), t.host(), t.port()).verify(TIMEOUT).getSession();
        } catch (IOException | RuntimeException e) {
            hostKeyRefusal(t, presented);
            throw new BackupException(BackupException.Reason.FAILED, "cannot connect to the SFTP server " + t.host() + ":"
                    + t.port() + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            t.password().ifPresent(session::addPasswordIdentity);
            t.privateKeyFile().ifPresent(k -> session.setKeyIdentityProvider(new FileKeyPairProvider(k)));
            if (t.privateKeyPem().isPresent()) {
                try {
                    keys(t.privateKeyPem().get()).forEach(session::addPublicKeyIdentity);
                } catch (GeneralSecurityException e) {
                    throw new IOException("the stored private key cannot be read");
                }
            }
            session.auth().verify(TIMEOUT);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            hostKeyRefusal(t, presented);
            // The cause's text may quote server messages, never our secrets: say what failed in our words.
            throw new BackupException(BackupException.Reason.FAILED, "the SFTP server " + t.host()
                    + " refused the login of user '" + t.user() + "' (check the password or key)");
        }
    }

    private static void hostKeyRefusal(BackupConfig.SftpTarget t, AtomicReference<String> presented) {
        String fp = presented.get();
        if (fp != null && !fp.equals(t.hostKeyFingerprint())) {
            throw new BackupException(BackupException.Reason.FAILED, "the SFTP server " + t.host() + " presented host key "
                    + fp + ", not the pinned " + t.hostKeyFingerprint() + "; refusing to connect");
        }
    }

    private static String upload(SftpClient sftp, BackupConfig.SftpTarget t, BackupInfo b, String name, int keepRemote)
            throws IOException {
        String dir = t.remoteDir().endsWith("/") ? t.remoteDir() : t.remoteDir() + "/";
        String sha;
        try (OutputStream out = sftp.write(dir + name + BackupLayout.PARTIAL)) {
            sha = Archives.write(b.dir(), out);
        }
        try (OutputStream out = sftp.write(dir + name + ".sha256" + BackupLayout.PARTIAL)) {
            out.write(Archives.checksumLine(sha, name).getBytes(StandardCharsets.US_ASCII));
        }
        replace(sftp, dir + name + BackupLayout.PARTIAL, dir + name);
        replace(sftp, dir + name + ".sha256" + BackupLayout.PARTIAL, dir + name + ".sha256");
        List<String> archives = new ArrayList<>();
        for (SftpClient.DirEntry e : sftp.readDir(t.remoteDir())) {
            if (Targets.isArchive(e.getFilename())) {
                archives.add(e.getFilename());
            }
        }
        archives.sort(null);
        for (String old : Targets.oldest(archives, keepRemote)) {
            sftp.remove(dir + old);
            try {
                sftp.remove(dir + old + ".sha256");
            } catch (IOException ignored) {
                // no checksum beside it
            }
        }
        return name;
    }

    /** SFTP v3 rename does not overwrite: an archive of the same name (a re-export) goes first. */
    private static void replace(SftpClient sftp, String from, String to) throws IOException {
        try {
            sftp.remove(to);
        } catch (IOException ignored) {
            // not there
        }
        sftp.rename(from, to);
    }
}
