package dev.telltale.backup;

import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
                return upload(sftp, t, b, name, keepRemote);
            }
        } finally {
            client.stop();
        }
    }

    private static ClientSession connect(SshClient client, BackupConfig.SftpTarget t, AtomicReference<String> presented)
            throws IOException {
        ClientSession session = client.connect(t.user(), t.host(), t.port()).verify(TIMEOUT).getSession();
        try {
            t.password().ifPresent(session::addPasswordIdentity);
            t.privateKeyFile().ifPresent(k -> session.setKeyIdentityProvider(new FileKeyPairProvider(k)));
            session.auth().verify(TIMEOUT);
            return session;
        } catch (IOException | RuntimeException e) {
            session.close(true);
            String fp = presented.get();
            if (fp != null && !fp.equals(t.hostKeyFingerprint())) {
                throw new BackupException(BackupException.Reason.FAILED, "the SFTP server " + t.host() + " presented host key "
                        + fp + ", not the pinned " + t.hostKeyFingerprint() + "; refusing to connect");
            }
            // The cause's text may quote server messages, never our secrets: say what failed in our words.
            throw new BackupException(BackupException.Reason.FAILED, "the SFTP server " + t.host()
                    + " refused the login of user '" + t.user() + "' (check the password or key)");
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
